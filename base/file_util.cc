#include "base/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace imeisync {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return NotFound(std::move(msg));
    case EACCES:
    case EPERM:
      return PermissionDenied(std::move(msg));
    case EEXIST:
      return AlreadyExists(std::move(msg));
    case ENOSPC:
    case EDQUOT:
      return ResourceExhausted(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

// Closes the descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error close() gives, which for NFS and some
  // file systems is the first sign of a failed write.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string DirName(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0)
    return ErrnoStatus("cannot stat", path, errno);
  if (S_ISDIR(st.st_mode))
    return InvalidArgument(path + " is a directory, not a file");
  if (static_cast<size_t>(st.st_size) > max_bytes) {
    return InvalidArgument(path + " is " + std::to_string(st.st_size) +
                           " bytes; at most " + std::to_string(max_bytes) +
                           " expected");
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      return InvalidArgument(path + " is larger than " +
                             std::to_string(max_bytes) + " bytes");
    }
  }
  return out;
}

Status WriteFileAtomic(const std::string& path, ByteView contents, mode_t mode,
                       Overwrite overwrite) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) return ErrnoStatus("cannot create", tmp, errno);
    // open() applies the umask; the caller's mode is the contract.
    if (::fchmod(fd.get(), mode) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus("cannot chmod", tmp, err);
    }
    size_t done = 0;
    while (done < contents.size()) {
      ssize_t n =
          ::write(fd.get(), contents.data() + done, contents.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::unlink(tmp.c_str());
        return ErrnoStatus("cannot write", tmp, err);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || fd.Close() != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus("cannot sync", tmp, err);
    }
  }
  if (overwrite == Overwrite::kNo) {
    // link() fails with EEXIST instead of replacing, atomically.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus("cannot create", path, err);
    }
    ::unlink(tmp.c_str());
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus("cannot replace", path, err);
  }
  std::string dir = DirName(path);
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) {
    return ErrnoStatus("cannot sync directory", dir, errno);
  }
  return Status::Ok();
}

Result<mode_t> FileMode(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return ErrnoStatus("cannot stat", path, errno);
  return static_cast<mode_t>(st.st_mode & 07777);
}

}  // namespace imeisync
