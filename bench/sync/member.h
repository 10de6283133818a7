// One federation member as the benchmark drives it: its directory, and its
// daemon and admin connection while it runs.
#ifndef IMEISYNC_BENCH_SYNC_MEMBER_H_
#define IMEISYNC_BENCH_SYNC_MEMBER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bench/sync/admin.h"
#include "bench/sync/bench_error.h"
#include "bench/sync/federation_dirs.h"
#include "bench/sync/process.h"

namespace imeisync::bench {

class Member {
 public:
  // `daemon` is the imeisyncd binary; its stderr is appended to `log_path`.
  Member(std::string daemon, NodeDir dir, std::string log_path)
      : daemon_(std::move(daemon)),
        dir_(std::move(dir)),
        log_path_(std::move(log_path)) {}

  // Starts the daemon, waits for "ready" and connects to its admin socket.
  // Fails if it does not come up within 60 s.
  void Start();
  // Stops the daemon (the destructor does too). Idempotent.
  void Stop();

  const NodeDir& dir() const { return dir_; }
  // REQUIRES: started.
  DaemonProcess& process() { return *process_; }
  AdminConnection& admin() { return *admin_; }
  v1::NodeStatus Status() { return admin_->Status(); }

 private:
  std::string daemon_;
  NodeDir dir_;
  std::string log_path_;
  std::unique_ptr<DaemonProcess> process_;
  std::unique_ptr<AdminConnection> admin_;
};

// Waits until `follower` holds every entry of `origin` that `leader` holds
// now and has the same state root, polling every `poll` and passing each
// status read to `each_poll` (if set). Returns when that was first seen;
// fails after `timeout`.
Clock::time_point WaitCaughtUp(
    Member& follower, Member& leader, const std::string& origin,
    std::chrono::milliseconds poll, std::chrono::milliseconds timeout,
    const std::function<void(const v1::NodeStatus&)>& each_poll = {});

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_MEMBER_H_
