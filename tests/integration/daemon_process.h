// A real imeisyncd process for integration tests: started with a node.toml,
// ready once it prints "ready <id>", killed at scope exit whatever happens.
#ifndef IMEISYNC_TESTS_INTEGRATION_DAEMON_PROCESS_H_
#define IMEISYNC_TESTS_INTEGRATION_DAEMON_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <string>

namespace imeisync::testing {

class DaemonProcess {
 public:
  DaemonProcess() = default;
  ~DaemonProcess();  // SIGKILLs a process still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts `binary --config config`, stderr appended to `log_path`, and
  // waits up to `timeout` for "ready". Returns false (and kills it) if the
  // process exits or stays silent; exit_code() then says how it ended.
  bool Start(const std::string& binary, const std::string& config,
             const std::string& log_path,
             std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Sends `signal` (SIGTERM by default), then waits up to `timeout`;
  // SIGKILL after. Returns the exit code (128 + signal if killed).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10),
           int signal = SIGTERM);
  // SIGKILL, as a crash.
  void Kill9();
  bool Running();
  pid_t pid() const { return pid_; }
  int exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_INTEGRATION_DAEMON_PROCESS_H_
