#include "node/core/wakeup.h"

namespace imeisync::node::core {

void Wakeup::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  cv_.notify_all();
}

void Wakeup::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

bool Wakeup::stopped() const {
  std::lock_guard lock(mu_);
  return stop_;
}

bool Wakeup::WaitFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return stop_ || pending_; });
  pending_ = false;
  return !stop_;
}

}  // namespace imeisync::node::core
