// The state tree persisted in LMDB: a history-independent Merkle trie over
// 32-byte keys with 32-byte value digests (state_hash.h, state_node.h).
//
// One database, owned by the caller's Env, holding two kinds of record:
//   node: prefix bytes || depth(1) -> StateNode::Encode(), one per nibble
//         prefix whose subtree holds two or more leaves (depth <= 63)
//   leaf: key(32) || 0xFF         -> value digest(32), every key in the tree
// Both are ordered by path, so a key's leaf and the nodes above it share
// pages: a batch of random updates dirties about half as many pages as
// with nodes and leaves in separate databases.
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

// What lies at a nibble prefix: nothing, one leaf, or a node.
struct SubtreeView {
  ChildKind kind = ChildKind::kEmpty;
  Hash32 hash = kEmptyStateHash;  // the subtree's state hash
  StatePair leaf{};               // when kind == kLeaf
  StateNode node{};               // when kind == kInternal
};

class StateTree {
 public:
  explicit StateTree(store::Db db) : db_(db) {}

  // Applies `ops` (in any order; for a key given twice the later op wins;
  // removing an absent key is a no-op) and returns the new root. Writes
  // O(ops x depth) nodes. On error the caller must abort the transaction.
  Result<Hash32> Update(store::WriteTxn& txn, std::vector<StateOp> ops) const;

  // The root: kEmptyStateHash for an empty tree.
  Result<Hash32> Root(const store::Txn& txn) const;
  // The value digest of `key`, or nullopt.
  Result<std::optional<Hash32>> Get(const store::Txn& txn,
                                    const Hash32& key) const;
  // An inclusion proof if `key` is present, a non-inclusion proof if not.
  Result<StateProof> Prove(const store::Txn& txn, const Hash32& key) const;

  // For Merkle descent between two trees (state_diff.h):
  // the subtree at `prefix` (a node's children's kinds and hashes, or a leaf)
  Result<SubtreeView> At(const store::Txn& txn,
                         const NibblePrefix& prefix) const;
  // and every leaf under `prefix`, in key order.
  Result<std::vector<StatePair>> LeavesUnder(const store::Txn& txn,
                                             const NibblePrefix& prefix) const;

 private:
  struct Child {
    ChildKind kind = ChildKind::kEmpty;
    Hash32 hash = kEmptyStateHash;
    std::optional<StatePair> leaf;  // known key and value of a leaf child
  };
  using OpIter = std::vector<StateOp>::const_iterator;

  Result<Child> UpdateAt(store::WriteTxn& txn, const NibblePrefix& prefix,
                         Child existing, OpIter begin, OpIter end) const;
  Result<Child> Build(store::WriteTxn& txn, const NibblePrefix& prefix,
                      std::vector<StatePair> pairs) const;
  // The single leaf whose key starts with `prefix`, or nullopt if none.
  Result<std::optional<StatePair>> LeafUnder(const store::Txn& txn,
                                             const NibblePrefix& prefix) const;
  // Up to `limit` leaves whose keys start with `prefix`, in key order.
  Result<std::vector<StatePair>> ScanLeaves(const store::Txn& txn,
                                            const NibblePrefix& prefix,
                                            size_t limit) const;
  Result<std::optional<StateNode>> LoadNode(const store::Txn& txn,
                                            const NibblePrefix& prefix) const;

  store::Db db_;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_TREE_H_
