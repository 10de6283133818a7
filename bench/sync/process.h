// Processes and scratch space for the replication benchmark: a temp dir that
// removes itself, free loopback ports, one-shot commands and a daemon guard
// that never outlives the benchmark.
#ifndef IMEISYNC_BENCH_SYNC_PROCESS_H_
#define IMEISYNC_BENCH_SYNC_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/sync/bench_error.h"

namespace imeisync::bench {

// Forks and execs argv (argv[0] a path) with the given stdout and stderr;
// the child dies with this process (PR_SET_PDEATHSIG). Only
// async-signal-safe calls happen in the child, because gRPC threads may
// already be running in this process when it forks. Exits the benchmark if
// fork fails.
pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd);

// A fresh directory under /tmp, removed with everything in it on
// destruction. Fails if it cannot be made.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A port that was free on 127.0.0.1 a moment ago (bound to 0, then closed).
// Another process may take it before the daemon binds it; the daemon then
// fails to start and says so.
int FreeLoopbackPort();

// Runs argv[0] (a path) with `argv`, stdout and stderr appended to
// `log_path`. Fails, quoting the log, on a non-zero exit or after `timeout`
// (the program is then killed).
void RunProgram(const std::vector<std::string>& argv,
                const std::string& log_path,
                std::chrono::seconds timeout = std::chrono::seconds(60));

// The last `max_bytes` of a file, for error messages; "" if unreadable.
std::string FileTail(const std::string& path, size_t max_bytes = 2000);

// One running imeisyncd. The destructor stops it (SIGTERM, then SIGKILL
// after 10 s) and reaps it; the child also gets SIGKILL if the benchmark
// dies without unwinding (PR_SET_PDEATHSIG), so no daemon is left behind.
class DaemonProcess {
 public:
  // Starts `daemon` --config `config`, stderr to `log_path`, and waits up to
  // `timeout` for its "ready <id>" line. Fails, quoting the log, if it exits
  // first or never says ready.
  static std::unique_ptr<DaemonProcess> Start(
      const std::string& daemon, const std::string& config,
      const std::string& log_path,
      std::chrono::seconds timeout = std::chrono::seconds(60));
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Stops the daemon now (see the destructor). Idempotent.
  void Stop();

  pid_t pid() const { return pid_; }
  Clock::time_point started() const { return started_; }  // just before fork
  Clock::time_point ready() const { return ready_; }      // "ready" line read
  // Peak resident set (VmHWM) so far, in bytes. REQUIRES: still running.
  uint64_t PeakRssBytes() const;
  // Resident now, in bytes: anonymous memory (heap, stacks, LMDB's dirty
  // pages) and file pages (mostly the LMDB map, which the kernel can drop).
  // REQUIRES: still running.
  uint64_t RssAnonBytes() const { return StatusBytes("RssAnon:"); }
  uint64_t RssFileBytes() const { return StatusBytes("RssFile:"); }

 private:
  DaemonProcess() = default;
  void WaitReady(std::chrono::seconds timeout);
  // A "<field> <n> kB" line of /proc/<pid>/status, in bytes.
  uint64_t StatusBytes(const std::string& field) const;

  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // read end of the daemon's stdout pipe
  std::string log_path_;
  Clock::time_point started_, ready_;
};

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_PROCESS_H_
