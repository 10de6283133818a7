// Reads of what a node holds, each in a snapshot of its own: what peers,
// auditors and the admin socket are served (docs/design.md "Replication",
// "Divergence").
//
// Threads: every method may be called from any thread; none blocks the
// writer.
#ifndef IMEISYNC_NODE_CORE_STORE_READS_H_
#define IMEISYNC_NODE_CORE_STORE_READS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/core/storage.h"
#include "node/merkle/state_diff.h"

namespace imeisync::node::core {

class StoreReads {
 public:
  // `storage` must outlive this and every view it opens.
  explicit StoreReads(Storage& storage) : storage_(storage) {}

  Result<replication::LogHead> Head(std::string_view origin) const;
  // The latest verified signed checkpoint of `origin`, or NotFound.
  Result<std::string> CheckpointNote(std::string_view origin) const;
  // Entries [begin, end) of `origin`; see OriginLogs::Read.
  Result<std::vector<Entry>> ReadEntries(std::string_view origin,
                                         uint64_t begin, uint64_t end) const;
  Result<std::vector<Hash32>> ConsistencyProof(std::string_view origin,
                                               uint64_t first,
                                               uint64_t second) const;
  Result<std::vector<replication::Evidence>> Evidence() const;
  Result<std::map<std::pair<std::string, Reason>, uint64_t>> Rejections() const;

  // The state tree at `prefix`, and every pair under it, at the latest
  // version (for a peer's Merkle descent).
  Result<merkle::SubtreeView> Subtree(const merkle::NibblePrefix& prefix) const;
  Result<std::vector<merkle::StatePair>> Leaves(
      const merkle::NibblePrefix& prefix) const;
  // The state tree as one snapshot sees it, for a diff of many reads; the
  // snapshot lives as long as the view. Close it soon: an open snapshot
  // keeps the pages it sees from being reused.
  Result<std::unique_ptr<merkle::StateTreeView>> OpenStateView() const;

 private:
  Storage& storage_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_STORE_READS_H_
