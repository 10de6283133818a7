// An RFC 9162 log held in memory: every perfect-subtree hash in post-order.
// For tools and tests that need proofs without a database.
#ifndef IMEISYNC_NODE_MERKLE_MEMORY_LOG_H_
#define IMEISYNC_NODE_MERKLE_MEMORY_LOG_H_

#include <string>
#include <vector>

#include "node/merkle/compact_range.h"
#include "node/merkle/log_nodes.h"

namespace imeisync::node::merkle {

class MemoryLog : public LogNodeReader {
 public:
  void Append(const Hash32& leaf_hash) {
    range_.Append(leaf_hash, [this](int, uint64_t, const Hash32& h) {
      nodes_.push_back(h);
    });
  }
  uint64_t size() const { return range_.size(); }
  Hash32 Root() const { return range_.Root(); }
  const CompactRange& range() const { return range_; }

  Result<Hash32> Node(int level, uint64_t index) override {
    uint64_t pos = LogNodePosition(level, index);
    if (pos >= nodes_.size()) {
      return DataLoss(
          "node (" + std::to_string(level) + ", " + std::to_string(index) +
          ") is not complete in a log of size " + std::to_string(size()));
    }
    return nodes_[pos];
  }

 private:
  CompactRange range_;
  std::vector<Hash32> nodes_;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_MEMORY_LOG_H_
