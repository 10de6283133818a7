#include "base/file_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "tests/support/temp_dir.h"

namespace imeisync {
namespace {

using testing::TempDir;

BOOST_AUTO_TEST_SUITE(file_util)

BOOST_AUTO_TEST_CASE(write_then_read_with_exact_mode) {
  TempDir dir;
  std::string p = dir.path() + "/f";
  ::umask(022);
  BOOST_REQUIRE(
      WriteFileAtomic(p, AsBytes("hello"), 0600, Overwrite::kNo).ok());
  BOOST_TEST(*FileMode(p) == 0600u);
  BOOST_TEST(*ReadFile(p, 100) == "hello");
}

BOOST_AUTO_TEST_CASE(no_overwrite_keeps_the_existing_file) {
  TempDir dir;
  std::string p = dir.path() + "/f";
  BOOST_REQUIRE(
      WriteFileAtomic(p, AsBytes("first"), 0600, Overwrite::kNo).ok());
  Status s = WriteFileAtomic(p, AsBytes("second"), 0600, Overwrite::kNo);
  BOOST_TEST(s.code() == StatusCode::kAlreadyExists);
  BOOST_TEST(*ReadFile(p, 100) == "first");
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  BOOST_TEST(files == 1);
}

BOOST_AUTO_TEST_CASE(overwrite_replaces) {
  TempDir dir;
  std::string p = dir.path() + "/f";
  BOOST_REQUIRE(
      WriteFileAtomic(p, AsBytes("first"), 0644, Overwrite::kNo).ok());
  BOOST_REQUIRE(
      WriteFileAtomic(p, AsBytes("second"), 0644, Overwrite::kYes).ok());
  BOOST_TEST(*ReadFile(p, 100) == "second");
}

BOOST_AUTO_TEST_CASE(read_reports_missing_and_oversized_files) {
  TempDir dir;
  auto missing = ReadFile(dir.path() + "/nope", 100);
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
  BOOST_TEST(missing.status().message().find(dir.path() + "/nope") !=
             std::string::npos);
  std::string p = dir.path() + "/big";
  BOOST_REQUIRE(
      WriteFileAtomic(p, AsBytes(std::string(200, 'x')), 0600, Overwrite::kNo)
          .ok());
  auto big = ReadFile(p, 100);
  BOOST_TEST(big.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync
