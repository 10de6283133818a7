// Divergences: a peer with the same frontier as ours signed a different
// state root. That is a bug, corruption or another policy version; it is
// logged, counted and reported in status, never repaired silently.
#ifndef IMEISYNC_NODE_CORE_DIVERGENCE_LOG_H_
#define IMEISYNC_NODE_CORE_DIVERGENCE_LOG_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace imeisync::node::core {

struct DivergenceRecord {
  std::string peer;
  uint64_t at_ms = 0;
  uint64_t differing_keys = 0;
  Hash32 our_root{};
  Hash32 their_root{};
};

class DivergenceLog {
 public:
  // Records `r` unless the latest record for r.peer has the same two
  // roots (the same divergence seen again). Returns true if recorded.
  bool Record(const DivergenceRecord& r) {
    std::lock_guard lock(mu_);
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
      if (it->peer != r.peer) continue;
      if (it->our_root == r.our_root && it->their_root == r.their_root) {
        return false;
      }
      break;
    }
    records_.push_back(r);
    ++count_;
    if (records_.size() > kKept) records_.erase(records_.begin());
    return true;
  }
  std::vector<DivergenceRecord> Records() const {
    std::lock_guard lock(mu_);
    return records_;
  }
  uint64_t Count() const {
    std::lock_guard lock(mu_);
    return count_;
  }

 private:
  static constexpr size_t kKept = 100;
  mutable std::mutex mu_;
  std::vector<DivergenceRecord> records_;  // guarded by mu_; latest kKept
  uint64_t count_ = 0;                     // guarded by mu_
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_DIVERGENCE_LOG_H_
