// Signs this node's checkpoints in the background: many submissions share
// one checkpoint, signed at most once per interval (200 ms by default)
// while entries arrive (docs/design.md "Data flow").
#ifndef IMEISYNC_NODE_CORE_CHECKPOINTER_H_
#define IMEISYNC_NODE_CORE_CHECKPOINTER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "node/core/own_log.h"

namespace imeisync::node::core {

class Checkpointer {
 public:
  // `on_signed` runs on the checkpointer's thread with each new signed
  // note (the daemon announces it to peers). It must not block for long.
  Checkpointer(OwnLog& log, std::chrono::milliseconds interval,
               std::function<void(const std::string& note)> on_signed);
  // Stops the thread.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Starts the thread. It signs at once whatever the log holds beyond the
  // last checkpoint (entries a crash left unsigned).
  Status Start();
  // Signs what is pending, then stops. Idempotent.
  void Stop();

  // New entries are in the log: sign them soon.
  void Notify();
  // Waits until a signed checkpoint covers `size` entries. Unavailable
  // after `timeout`, or if the checkpointer stopped first.
  Status WaitSigned(uint64_t size, std::chrono::milliseconds timeout);

 private:
  void Run();

  OwnLog& log_;
  const std::chrono::milliseconds interval_;
  const std::function<void(const std::string&)> on_signed_;

  std::mutex mu_;
  std::condition_variable cv_;         // wakes Run(): dirty_ or stop_
  std::condition_variable signed_cv_;  // wakes WaitSigned()
  bool dirty_ = true;                  // guarded by mu_
  bool stop_ = false;                  // guarded by mu_
  bool stopped_ = false;               // guarded by mu_: Run() has returned
  uint64_t signed_size_ = 0;           // guarded by mu_
  std::string last_error_;             // guarded by mu_
  std::thread thread_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_CHECKPOINTER_H_
