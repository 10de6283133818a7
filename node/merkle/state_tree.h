// The state tree: a history-independent Merkle trie over 32-byte keys with
// 32-byte value digests (state_hash.h), stored as versioned 16-ary nodes
// (state_node.h) in the manner of the Jellyfish Merkle Tree.
//
// Every Update() writes a new version. Nodes are never rewritten in place:
// an update writes the nodes on the changed paths under the new version, so
// a store can append them after every earlier version's (the LMDB store
// does: fresh, full pages instead of a dirty page per random key). The nodes
// it replaced are listed as stale and deleted by Prune(), which the owner
// runs off the hot path. Until pruned, past versions stay readable: roots
// and proofs at any retained version.
//
// The tree holds no state of its own: it reads and writes through one
// StateNodeStore (state_node_store.h), so a batch of state changes commits
// atomically with whatever else the store's transaction writes. The records
// and their layout in LMDB: docs/formats.md "State storage"; costs:
// docs/design.md "State tree".
#ifndef IMEISYNC_NODE_MERKLE_STATE_TREE_H_
#define IMEISYNC_NODE_MERKLE_STATE_TREE_H_

#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/state_hash.h"
#include "node/merkle/state_node.h"
#include "node/merkle/state_node_store.h"
#include "node/merkle/state_proof.h"

namespace imeisync::node::merkle {

// One change: set `key` to `value`, or remove it when value is nullopt.
struct StateOp {
  Hash32 key;
  std::optional<Hash32> value;
};

// What lies at a nibble prefix: nothing, one pair, or a node.
struct SubtreeView {
  ChildKind kind = ChildKind::kEmpty;
  Hash32 hash = kEmptyStateHash;  // the subtree's state hash
  StatePair leaf{};               // when kind == kLeaf
  StateNode node{};               // when kind == kInternal
};

class StateTree {
 public:
  // REQUIRES: `store` outlives the tree.
  explicit StateTree(StateNodeStore& store) : store_(store) {}

  // Applies `ops` (in any order; for a key given twice the later op wins;
  // removing an absent key is a no-op) as version Version() + 1 and returns
  // the new root. Writes O(ops x depth) nodes. An empty `ops` writes
  // nothing. On error the caller must discard the store's transaction.
  Result<Hash32> Update(std::vector<StateOp> ops) const;

  // The latest version: 0 before the first Update().
  Result<uint64_t> Version() const;
  // The root at the latest version: kEmptyStateHash for an empty tree.
  Result<Hash32> Root() const;
  // The root at `version`. NotFound if it was pruned or is in the future.
  Result<Hash32> RootAt(uint64_t version) const;
  // The value digest of `key` at the latest version, or nullopt.
  Result<std::optional<Hash32>> Get(const Hash32& key) const;
  // An inclusion proof if `key` is present, a non-inclusion proof if not,
  // at the latest version or at a retained `version`.
  Result<StateProof> Prove(const Hash32& key) const;
  Result<StateProof> ProveAt(const Hash32& key, uint64_t version) const;

  // For Merkle descent between two trees (state_diff.h), at the latest
  // version: the subtree at `prefix`, and every pair under it in key order.
  Result<SubtreeView> At(const NibblePrefix& prefix) const;
  Result<std::vector<StatePair>> LeavesUnder(const NibblePrefix& prefix) const;

  // Deletes the nodes that no version >= `keep_from` uses, and the roots of
  // versions below it, stopping once about `limit` records are deleted (a
  // version's stale list is deleted whole). Returns how many records it
  // deleted; 0 means nothing is left to prune below `keep_from`. A
  // `keep_from` past the latest version means the latest: it is never
  // pruned. Run it in its own, small transactions so it never delays an
  // update for long.
  Result<uint64_t> Prune(uint64_t keep_from, uint64_t limit) const;

 private:
  using OpIter = std::vector<StateOp>::const_iterator;
  // What an update writes, held until the end so that the store gets a
  // version's nodes in one call.
  struct Pending {
    std::vector<StateNodeRecord> nodes;
    std::vector<StateNodeId> stale;  // in the order the update met them
  };

  Result<StateChild> RootChild(uint64_t version) const;
  Result<StateNode> LoadNode(uint64_t version,
                             const NibblePrefix& prefix) const;
  Result<StateChild> UpdateAt(Pending& out, uint64_t version,
                              const NibblePrefix& prefix,
                              const StateChild& existing, OpIter begin,
                              OpIter end) const;
  StateChild Build(Pending& out, uint64_t version, const NibblePrefix& prefix,
                   std::vector<StatePair> pairs) const;
  Status CollectLeaves(const NibblePrefix& prefix, const StateChild& at,
                       std::vector<StatePair>& out) const;

  StateNodeStore& store_;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_TREE_H_
