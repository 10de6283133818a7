// The state tree persisted in LMDB: a history-independent Merkle trie over
// 32-byte keys with 32-byte value digests (state_hash.h), stored as
// versioned 16-ary nodes (state_node.h) in the manner of the Jellyfish
// Merkle Tree.
//
// Every Update() writes a new version. Nodes are never rewritten in place:
// an update writes the nodes on the changed paths under the new version,
// whose keys sort after every earlier version's, so a batch is appended on
// fresh, full pages instead of dirtying a page per random key. The nodes it
// replaced are listed as stale and deleted by Prune(), which the owner runs
// off the hot path. Until pruned, past versions stay readable: roots and
// proofs at any retained version.
//
// Two databases, owned by the caller's Env (docs/formats.md "State storage"):
//   nodes: version(8) depth(1) prefix -> StateNode::Encode()
//   meta:  'm'            -> latest version (8 bytes BE)
//          'r' version(8) -> that version's root
//          's' version(8) -> the node keys that version replaced
// All methods run inside the caller's transaction, so a batch of state
// changes commits atomically with whatever else that transaction writes.
#ifndef IMEISYNC_NODE_MERKLE_STATE_TREE_H_
#define IMEISYNC_NODE_MERKLE_STATE_TREE_H_

#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/state_hash.h"
#include "node/merkle/state_node.h"
#include "node/merkle/state_proof.h"
#include "node/store/txn.h"

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
  StateTree(store::Db nodes, store::Db meta) : nodes_(nodes), meta_(meta) {}

  // Applies `ops` (in any order; for a key given twice the later op wins;
  // removing an absent key is a no-op) as version Version() + 1 and returns
  // the new root. Writes O(ops x depth) nodes. An empty `ops` writes
  // nothing. On error the caller must abort the transaction.
  Result<Hash32> Update(store::WriteTxn& txn, std::vector<StateOp> ops) const;

  // The latest version: 0 before the first Update().
  Result<uint64_t> Version(const store::Txn& txn) const;
  // The root at the latest version: kEmptyStateHash for an empty tree.
  Result<Hash32> Root(const store::Txn& txn) const;
  // The root at `version`. NotFound if it was pruned or is in the future.
  Result<Hash32> RootAt(const store::Txn& txn, uint64_t version) const;
  // The value digest of `key` at the latest version, or nullopt.
  Result<std::optional<Hash32>> Get(const store::Txn& txn,
                                    const Hash32& key) const;
  // An inclusion proof if `key` is present, a non-inclusion proof if not,
  // at the latest version or at a retained `version`.
  Result<StateProof> Prove(const store::Txn& txn, const Hash32& key) const;
  Result<StateProof> ProveAt(const store::Txn& txn, const Hash32& key,
                             uint64_t version) const;

  // For Merkle descent between two trees (state_diff.h), at the latest
  // version: the subtree at `prefix`, and every pair under it in key order.
  Result<SubtreeView> At(const store::Txn& txn,
                         const NibblePrefix& prefix) const;
  Result<std::vector<StatePair>> LeavesUnder(const store::Txn& txn,
                                             const NibblePrefix& prefix) const;

  // Deletes the nodes that no version >= `keep_from` uses, and the roots of
  // versions below it, stopping once about `limit` records are deleted (a
  // version's stale list is deleted whole). Returns how many records it
  // deleted; 0 means nothing is left to prune below `keep_from`. A
  // `keep_from` past the latest version means the latest: it is never
  // pruned. Run it in its own, small transactions so it never delays an
  // update for long.
  Result<uint64_t> Prune(store::WriteTxn& txn, uint64_t keep_from,
                         uint64_t limit) const;

 private:
  using OpIter = std::vector<StateOp>::const_iterator;
  // What an update writes, held until the end so that the nodes can be
  // appended in key order.
  struct Pending {
    std::vector<std::pair<Bytes, Bytes>> nodes;
    Bytes stale;  // len(1) node-key, repeated
  };

  Result<StateChild> RootChild(const store::Txn& txn, uint64_t version) const;
  Result<StateNode> LoadNode(const store::Txn& txn, uint64_t version,
                             const NibblePrefix& prefix) const;
  Result<StateChild> UpdateAt(const store::Txn& txn, Pending& out,
                              uint64_t version, const NibblePrefix& prefix,
                              const StateChild& existing, OpIter begin,
                              OpIter end) const;
  StateChild Build(Pending& out, uint64_t version, const NibblePrefix& prefix,
                   std::vector<StatePair> pairs) const;
  Status CollectLeaves(const store::Txn& txn, const NibblePrefix& prefix,
                       const StateChild& at, std::vector<StatePair>& out) const;

  store::Db nodes_;
  store::Db meta_;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_TREE_H_
