#include "tests/integration/daemon_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace imeisync::testing {
namespace {

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) Kill9();
}

bool DaemonProcess::Start(const std::string& binary, const std::string& config,
                          const std::string& log_path,
                          std::chrono::milliseconds timeout) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return false;
  pid_t pid = ::fork();
  if (pid == 0) {
    int err = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (err < 0 || devnull < 0) ::_exit(126);
    ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(err, 2);
    std::vector<char*> args = {const_cast<char*>(binary.c_str()),
                               const_cast<char*>("--config"),
                               const_cast<char*>(config.c_str()), nullptr};
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  pid_ = pid;
  exit_code_ = -1;
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      char buf[256];
      ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;  // the daemon closed stdout: it exited
      seen.append(buf, static_cast<size_t>(n));
      ready = seen.find("ready ") != std::string::npos;
    }
  }
  ::close(out[0]);
  if (!ready) {
    // Collect how it ended (it may still be exiting).
    Stop(std::chrono::seconds(5));
    return false;
  }
  return true;
}

int DaemonProcess::Stop(std::chrono::milliseconds timeout, int signal) {
  if (pid_ <= 0) return exit_code_;
  ::kill(pid_, signal);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  exit_code_ = ExitCode(status);
  return exit_code_;
}

void DaemonProcess::Kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_code_ = ExitCode(status);
  pid_ = -1;
}

bool DaemonProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = ExitCode(status);
    pid_ = -1;
    return false;
  }
  return true;
}

}  // namespace imeisync::testing
