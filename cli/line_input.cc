#include "cli/line_input.h"

#include <sys/stat.h>

#include <iostream>

namespace imeisync::cli {

Result<LineInput> LineInput::Open(const std::string& path) {
  LineInput in;
  in.path_ = path;
  if (path == "-") return in;
  in.file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in.file_) return NotFound("cannot open " + path);
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    in.size_ = static_cast<uint64_t>(st.st_size);
  }
  return in;
}

bool LineInput::Next(std::string& line) {
  std::istream& in = file_ ? *file_ : std::cin;
  if (!std::getline(in, line)) return false;
  bytes_ += line.size() + 1;
  ++line_no_;
  if (spool_) std::fprintf(spool_.get(), "%s\n", line.c_str());
  return true;
}

void LineInput::SpoolStdin() {
  if (path_ == "-") spool_.reset(std::tmpfile());
}

Status LineInput::Rewind() {
  if (spool_) {
    std::fflush(spool_.get());
    std::rewind(spool_.get());
    // Read the spool back through /proc: the file has no name.
    auto spooled = std::make_unique<std::ifstream>(
        "/proc/self/fd/" + std::to_string(fileno(spool_.get())),
        std::ios::binary);
    if (!*spooled) return Internal("cannot reread the spooled stdin");
    file_ = std::move(spooled);
    spool_.reset();  // the reader's own descriptor keeps the file alive
  } else if (file_) {
    file_->clear();
    file_->seekg(0);
  } else {
    return Internal("stdin was not spooled");
  }
  bytes_ = 0;
  line_no_ = 0;
  return Status::Ok();
}

}  // namespace imeisync::cli
