// How a part's background thread is woken: Notify() says there is work,
// Stop() says to end. The thread sleeps in WaitFor() between rounds.
//
// Threads: every method may be called from any thread. A notification
// that arrives while the thread is working is kept for its next WaitFor().
#ifndef IMEISYNC_NODE_CORE_WAKEUP_H_
#define IMEISYNC_NODE_CORE_WAKEUP_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace imeisync::node::core {

class Wakeup {
 public:
  // `pending`: whether the first WaitFor() returns at once.
  explicit Wakeup(bool pending) : pending_(pending) {}

  void Notify();
  // Wakes the thread for good: every later WaitFor() returns false.
  void Stop();
  bool stopped() const;

  // Waits until Notify(), Stop() or `timeout`, and clears the
  // notification. Returns false once Stop() has been called.
  bool WaitFor(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool pending_;       // guarded by mu_
  bool stop_ = false;  // guarded by mu_
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_WAKEUP_H_
