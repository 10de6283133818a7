#include "bench/check/measured_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/sync/bench_error.h"
#include "bench/sync/process.h"

namespace imeisync::bench {
namespace {

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

int OpenOrFail(const std::string& path, int flags) {
  const int fd =
      open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) Fail(Errno("open " + path));
  return fd;
}

// The "VmHWM:" line of /proc/<pid>/status in bytes, once `pid` runs the
// program called `name`; 0 before that (the forked copy of this process,
// whose high-water mark is ours) and for a zombie, which has none.
uint64_t VmHwmBytes(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  // The kernel keeps at most 15 bytes of the name.
  if (!std::getline(in, line) || line != "Name:\t" + name.substr(0, 15)) {
    return 0;
  }
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// Kills and reaps the child unless it was reaped already.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  void Reaped() { pid_ = -1; }

 private:
  pid_t pid_;
};

}  // namespace

ChildRun RunMeasured(const std::vector<std::string>& argv,
                     const std::string& out_path, const std::string& log_path,
                     std::chrono::seconds timeout,
                     std::chrono::milliseconds poll,
                     const std::function<void()>& each_poll) {
  const int out = OpenOrFail(out_path, O_TRUNC);
  const int log =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) {
    close(out);
    Fail(Errno("open " + log_path));
  }
  const auto start = Clock::now();
  pid_t pid = -1;
  try {
    pid = Spawn(argv, out, log);
  } catch (...) {
    close(out);
    close(log);
    throw;
  }
  close(out);
  close(log);
  ChildGuard guard(pid);
  const std::string name = std::filesystem::path(argv[0]).filename();
  uint64_t peak_rss = 0;
  const auto deadline = start + timeout;
  const long long max_polls = timeout / poll + 2;
  for (long long i = 0; i < max_polls; ++i) {
    int status = 0;
    rusage usage{};
    const pid_t r = wait4(pid, &status, WNOHANG, &usage);
    if (r < 0 && errno != EINTR) Fail(Errno("wait4"));
    if (r == pid) {
      guard.Reaped();
      ChildRun run;
      run.seconds = SecondsSince(start);
      run.peak_rss = peak_rss;
      run.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec) +
                        static_cast<double>(usage.ru_utime.tv_usec) / 1e6 +
                        static_cast<double>(usage.ru_stime.tv_sec) +
                        static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        Fail(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") +
             " failed; its output:\n" + FileTail(log_path));
      }
      return run;
    }
    if (g_interrupted) Fail("interrupted while running " + argv[0]);
    if (Clock::now() >= deadline) break;
    peak_rss = std::max(peak_rss, VmHwmBytes(pid, name));
    if (each_poll) each_poll();
    std::this_thread::sleep_for(poll);
  }
  Fail(argv[0] + " did not finish within " + std::to_string(timeout.count()) +
       " s; its output:\n" + FileTail(log_path));
}

}  // namespace imeisync::bench
