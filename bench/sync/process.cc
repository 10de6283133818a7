#include "bench/sync/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace imeisync::bench {
namespace {

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// Reaps `pid` if it has exited within `timeout`; returns whether it did.
bool ReapWithin(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  const auto deadline = Clock::now() + timeout;
  const long long max_polls = timeout / std::chrono::milliseconds(5) + 2;
  for (long long i = 0; i < max_polls; ++i) {
    const pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return true;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

void KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) Fail(Errno("fork"));
  if (pid == 0) {
    // Dies with the benchmark even if it is killed before it can clean up.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
      _exit(126);
    if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) {
      _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Fail(Errno("mkdtemp " + tmpl));
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Fail(Errno("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok =
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const std::string error = ok ? "" : Errno("bind 127.0.0.1:0");
  close(fd);
  if (!ok) Fail(error);
  return ntohs(addr.sin_port);
}

std::string FileTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  return all.size() <= max_bytes ? all : all.substr(all.size() - max_bytes);
}

void RunProgram(const std::vector<std::string>& argv,
                const std::string& log_path, std::chrono::seconds timeout) {
  const int log =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) Fail(Errno("open " + log_path));
  pid_t pid = -1;
  try {
    pid = Spawn(argv, log, log);
  } catch (...) {
    close(log);
    throw;
  }
  close(log);
  int status = 0;
  if (!ReapWithin(pid, timeout, &status)) {
    KillAndReap(pid);
    Fail(argv[0] + " did not finish within " + std::to_string(timeout.count()) +
         " s; its output:\n" + FileTail(log_path));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Fail(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") +
         " failed; its output:\n" + FileTail(log_path));
  }
}

std::unique_ptr<DaemonProcess> DaemonProcess::Start(
    const std::string& daemon, const std::string& config,
    const std::string& log_path, std::chrono::seconds timeout) {
  std::unique_ptr<DaemonProcess> d(new DaemonProcess());
  d->log_path_ = log_path;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) Fail(Errno("pipe2"));
  const int log =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    Fail(Errno("open " + log_path));
  }
  d->stdout_fd_ = pipe_fds[0];
  d->started_ = Clock::now();
  try {
    d->pid_ = Spawn({daemon, "--config", config}, pipe_fds[1], log);
  } catch (...) {
    close(pipe_fds[1]);
    close(log);
    throw;
  }
  close(pipe_fds[1]);
  close(log);
  d->WaitReady(timeout);
  return d;
}

void DaemonProcess::WaitReady(std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string out;
  char buf[256];
  // Each pass either reads bytes, sees EOF or times out a poll; a daemon
  // that floods stdout without saying ready is bounded by the byte cap.
  while (out.find('\n') == std::string::npos && out.size() < 4096) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0 || g_interrupted) {
      Fail("imeisyncd (pid " + std::to_string(pid_) +
           ") did not say ready in " + std::to_string(timeout.count()) +
           " s; its log:\n" + FileTail(log_path_));
    }
    pollfd p{stdout_fd_, POLLIN, 0};
    const int r =
        poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
    if (r < 0 && errno != EINTR) Fail(Errno("poll"));
    if (r <= 0) continue;
    const ssize_t got = read(stdout_fd_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      Fail("imeisyncd exited before it was ready; its log:\n" +
           FileTail(log_path_));
    }
    out.append(buf, static_cast<size_t>(got));
  }
  if (out.rfind("ready ", 0) != 0) {
    Fail("imeisyncd printed \"" + out + "\" instead of \"ready <id>\"");
  }
  ready_ = Clock::now();
}

DaemonProcess::~DaemonProcess() { Stop(); }

void DaemonProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    if (!ReapWithin(pid_, std::chrono::seconds(10), &status)) {
      KillAndReap(pid_);
    }
    pid_ = -1;
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

uint64_t DaemonProcess::PeakRssBytes() const { return StatusBytes("VmHWM:"); }

uint64_t DaemonProcess::StatusBytes(const std::string& field) const {
  const std::string path = "/proc/" + std::to_string(pid_) + "/status";
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::stoull(line.substr(field.size())) * 1024;  // "<n> kB"
    }
  }
  Fail("no " + field + " line in " + path + " (has the daemon exited?)");
}

}  // namespace imeisync::bench
