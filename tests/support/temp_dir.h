// A directory under /tmp that is removed with everything in it at scope exit.
#ifndef IMEISYNC_TESTS_SUPPORT_TEMP_DIR_H_
#define IMEISYNC_TESTS_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace imeisync::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/imeisync-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_SUPPORT_TEMP_DIR_H_
