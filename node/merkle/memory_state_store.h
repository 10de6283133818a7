// A StateNodeStore held in memory, for tools and tests that need a state
// tree without a database. It has no transactions: every write is visible
// at once and nothing is undone on error, so after a failed Update() the
// store must be thrown away (a failing LMDB transaction would be aborted).
#ifndef IMEISYNC_NODE_MERKLE_MEMORY_STATE_STORE_H_
#define IMEISYNC_NODE_MERKLE_MEMORY_STATE_STORE_H_

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "node/merkle/state_node_store.h"

namespace imeisync::node::merkle {

class MemoryStateStore : public StateNodeStore {
 public:
  Result<uint64_t> Version() const override { return version_; }
  Result<ByteView> Root(uint64_t version) const override;
  Result<ByteView> Node(uint64_t version,
                        const NibblePrefix& prefix) const override;
  Result<std::optional<StaleList>> NextStale(uint64_t from) const override;
  Result<std::vector<uint64_t>> RootVersions(uint64_t below,
                                             uint64_t limit) const override;

  // InvalidArgument, storing nothing, unless `version` is above every
  // stored node's and the prefixes are distinct and shallower than 64.
  Status PutNodes(uint64_t version,
                  std::span<const StateNodeRecord> nodes) override;
  Status DeleteNodes(std::span<const StateNodeId> nodes) override;
  Status PutRoot(uint64_t version, ByteView root) override;
  Status DeleteRoot(uint64_t version) override;
  // InvalidArgument, storing nothing, if a prefix is 64 nibbles deep.
  Status PutStale(uint64_t version,
                  std::span<const StateNodeId> nodes) override;
  Status DeleteStale(uint64_t version) override;
  Status SetVersion(uint64_t version) override;

  // How many records of each kind are stored.
  size_t node_count() const { return nodes_.size(); }
  size_t root_count() const { return roots_.size(); }
  size_t stale_count() const { return stale_.size(); }

 private:
  // (version, depth, prefix): the order of the LMDB store's node keys.
  struct IdLess {
    bool operator()(const StateNodeId& a, const StateNodeId& b) const;
  };

  uint64_t version_ = 0;
  std::map<StateNodeId, Bytes, IdLess> nodes_;
  std::map<uint64_t, Bytes> roots_;
  std::map<uint64_t, std::vector<StateNodeId>> stale_;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_MEMORY_STATE_STORE_H_
