// A command's text input, read line by line from a file or from stdin ("-"),
// with the counts that progress lines and error messages quote.
#ifndef IMEISYNC_CLI_LINE_INPUT_H_
#define IMEISYNC_CLI_LINE_INPUT_H_

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "base/status.h"

namespace imeisync::cli {

class LineInput {
 public:
  // Opens `path`, or stdin for "-". NotFound "cannot open <path>" when the
  // file cannot be read.
  static Result<LineInput> Open(const std::string& path);

  // Reads the next line without its "\n" (a "\r" before it stays); false at
  // the end of the input.
  bool Next(std::string& line);

  // From now on copies what Next() reads from stdin to an unnamed temporary
  // file, so that Rewind() can read it again. Does nothing for a file.
  void SpoolStdin();
  // Starts again at the first line and resets bytes() and line_no().
  // Internal when stdin was not spooled or the spool cannot be reread.
  Status Rewind();

  uint64_t size() const { return size_; }        // bytes; 0 = unknown (stdin)
  uint64_t bytes() const { return bytes_; }      // read so far, line ends too
  uint64_t line_no() const { return line_no_; }  // 1-based, of the last line
  const std::string& name() const { return path_; }

 private:
  struct CloseFile {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

  std::string path_;
  std::unique_ptr<std::ifstream> file_;  // null: stdin
  std::unique_ptr<std::FILE, CloseFile> spool_;
  uint64_t size_ = 0, bytes_ = 0, line_no_ = 0;
};

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_LINE_INPUT_H_
