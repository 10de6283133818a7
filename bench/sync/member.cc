#include "bench/sync/member.h"

#include <iostream>

namespace imeisync::bench {

void Member::Start() {
  std::cerr << "sync_bench: starting " << dir_.id << "\n";
  process_ = DaemonProcess::Start(daemon_, dir_.config, log_path_);
  admin_ = std::make_unique<AdminConnection>(dir_.admin_socket);
}

void Member::Stop() {
  admin_.reset();
  process_.reset();
}

Clock::time_point WaitCaughtUp(
    Member& follower, Member& leader, const std::string& origin,
    std::chrono::milliseconds poll, std::chrono::milliseconds timeout,
    const std::function<void(const v1::NodeStatus&)>& each_poll) {
  const v1::NodeStatus target = leader.Status();
  const uint64_t size = OriginSize(target, origin);
  return WaitFor(follower.dir().id + " to hold " + std::to_string(size) +
                     " entries of " + origin + " and " + leader.dir().id +
                     "'s state root",
                 timeout, poll, [&] {
                   const v1::NodeStatus s = follower.Status();
                   if (each_poll) each_poll(s);
                   return OriginSize(s, origin) >= size &&
                          s.state_root() == target.state_root();
                 });
}

}  // namespace imeisync::bench
