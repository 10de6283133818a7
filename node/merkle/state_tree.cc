#include "node/merkle/state_tree.h"

#include <algorithm>
#include <cstdint>

namespace imeisync::node::merkle {
namespace {

StatePair ToPair(ByteView key, ByteView value) {
  StatePair p;
  std::copy_n(key.begin(), 32, p.first.begin());
  std::copy_n(value.begin(), 32, p.second.begin());
  return p;
}

constexpr uint8_t kLeafMarker = 0xFF;

Bytes LeafRecordKey(const Hash32& key) {
  Bytes k(key.begin(), key.end());
  k.push_back(kLeafMarker);
  return k;
}

std::string PrefixText(const NibblePrefix& p) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "prefix '";
  for (int i = 0; i < p.depth; ++i) s += kHex[KeyNibble(p.bytes, i)];
  return s + "'";
}

}  // namespace

Result<std::optional<StateNode>> StateTree::LoadNode(
    const store::Txn& txn, const NibblePrefix& prefix) const {
  auto v = txn.Get(db_, prefix.NodeKey());
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound)
      return std::optional<StateNode>();
    return v.status();
  }
  auto node = StateNode::Decode(*v);
  if (!node.ok()) {
    return DataLoss("state node at " + PrefixText(prefix) + ": " +
                    node.status().message());
  }
  return std::optional<StateNode>(*node);
}

Result<std::optional<StatePair>> StateTree::LeafUnder(
    const store::Txn& txn, const NibblePrefix& prefix) const {
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<StatePair> leaves,
                            ScanLeaves(txn, prefix, 1));
  if (leaves.empty()) return std::optional<StatePair>();
  return std::optional<StatePair>(leaves[0]);
}

Result<std::vector<StatePair>> StateTree::ScanLeaves(const store::Txn& txn,
                                                     const NibblePrefix& prefix,
                                                     size_t limit) const {
  std::vector<StatePair> out;
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(db_));
  for (cursor.Seek(prefix.bytes); cursor.Valid() && out.size() < limit;
       cursor.Next()) {
    ByteView k = cursor.key();
    // Node records interleave with leaf records; skip them. Leaves are
    // contiguous in key order, so the first leaf past the prefix ends the
    // scan (at most ~64 node records lie between two adjacent leaves).
    if (k.size() != 33 || k[32] != kLeafMarker) continue;
    Hash32 key;
    std::copy_n(k.begin(), 32, key.begin());
    if (!prefix.Covers(key)) break;
    if (cursor.value().size() != 32) {
      return DataLoss("state leaf record holds " +
                      std::to_string(cursor.value().size()) +
                      " bytes, expected 32");
    }
    out.push_back(ToPair(key, cursor.value()));
  }
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  return out;
}

Result<SubtreeView> StateTree::At(const store::Txn& txn,
                                  const NibblePrefix& prefix) const {
  SubtreeView view;
  IMEISYNC_ASSIGN_OR_RETURN(std::optional<StateNode> node,
                            LoadNode(txn, prefix));
  if (node) {
    view.kind = ChildKind::kInternal;
    view.node = *node;
    view.hash = node->Hash();
    return view;
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::optional<StatePair> leaf,
                            LeafUnder(txn, prefix));
  if (leaf) {
    view.kind = ChildKind::kLeaf;
    view.leaf = *leaf;
    view.hash = StateLeafHash(leaf->first, leaf->second);
  }
  return view;
}

Result<Hash32> StateTree::Root(const store::Txn& txn) const {
  IMEISYNC_ASSIGN_OR_RETURN(SubtreeView view, At(txn, NibblePrefix{}));
  return view.hash;
}

Result<std::optional<Hash32>> StateTree::Get(const store::Txn& txn,
                                             const Hash32& key) const {
  auto v = txn.Get(db_, LeafRecordKey(key));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound)
      return std::optional<Hash32>();
    return v.status();
  }
  if (v->size() != 32) return DataLoss("state leaf value is not 32 bytes");
  Hash32 out;
  std::copy_n(v->begin(), 32, out.begin());
  return std::optional<Hash32>(out);
}

Result<std::vector<StatePair>> StateTree::LeavesUnder(
    const store::Txn& txn, const NibblePrefix& prefix) const {
  return ScanLeaves(txn, prefix, SIZE_MAX);
}

Result<StateProof> StateTree::Prove(const store::Txn& txn,
                                    const Hash32& key) const {
  StateProof proof;
  NibblePrefix prefix;
  for (;;) {
    IMEISYNC_ASSIGN_OR_RETURN(std::optional<StateNode> node,
                              LoadNode(txn, prefix));
    if (!node) {
      // At most one leaf under here (only possible at the root, or in a
      // corrupt tree): it ends the path.
      IMEISYNC_ASSIGN_OR_RETURN(proof.leaf, LeafUnder(txn, prefix));
      return proof;
    }
    const int slot = KeyNibble(key, prefix.depth);
    int lo = 0, hi = 16;
    for (;;) {
      int n = node->Count(lo, hi);
      if (n == 0) return proof;  // an empty subtree: the key is absent
      int only = node->First(lo, hi);
      if (n == 1 && node->kind[only] == ChildKind::kLeaf) {
        IMEISYNC_ASSIGN_OR_RETURN(proof.leaf,
                                  LeafUnder(txn, prefix.Child(only)));
        if (!proof.leaf) {
          return DataLoss("state leaf missing under " +
                          PrefixText(prefix.Child(only)));
        }
        return proof;
      }
      if (hi - lo == 1) break;  // a node: descend into it
      int mid = (lo + hi) / 2;
      if (slot < mid) {
        proof.siblings.push_back(node->RangeHash(mid, hi));
        hi = mid;
      } else {
        proof.siblings.push_back(node->RangeHash(lo, mid));
        lo = mid;
      }
    }
    prefix = prefix.Child(slot);
  }
}

Result<StateTree::Child> StateTree::Build(store::WriteTxn& txn,
                                          const NibblePrefix& prefix,
                                          std::vector<StatePair> pairs) const {
  Child out;
  if (pairs.empty()) return out;
  if (pairs.size() == 1) {
    out.kind = ChildKind::kLeaf;
    out.hash = StateLeafHash(pairs[0].first, pairs[0].second);
    out.leaf = pairs[0];
    return out;
  }
  StateNode node;
  auto it = pairs.begin();
  while (it != pairs.end()) {
    const int nibble = KeyNibble(it->first, prefix.depth);
    auto group_end = std::find_if(it, pairs.end(), [&](const StatePair& p) {
      return KeyNibble(p.first, prefix.depth) != nibble;
    });
    IMEISYNC_ASSIGN_OR_RETURN(Child c,
                              Build(txn, prefix.Child(nibble),
                                    std::vector<StatePair>(it, group_end)));
    node.kind[nibble] = c.kind;
    node.hash[nibble] = c.hash;
    it = group_end;
  }
  IMEISYNC_RETURN_IF_ERROR(txn.Put(db_, prefix.NodeKey(), node.Encode()));
  out.kind = ChildKind::kInternal;
  out.hash = node.Hash();
  return out;
}

Result<StateTree::Child> StateTree::UpdateAt(store::WriteTxn& txn,
                                             const NibblePrefix& prefix,
                                             Child existing, OpIter begin,
                                             OpIter end) const {
  if (existing.kind != ChildKind::kInternal) {
    // Nothing stored below: merge the old leaf (if any) with the ops and
    // build the subtree afresh.
    std::vector<StatePair> pairs;
    if (existing.kind == ChildKind::kLeaf && !existing.leaf) {
      IMEISYNC_ASSIGN_OR_RETURN(existing.leaf, LeafUnder(txn, prefix));
      if (!existing.leaf)
        return DataLoss("state leaf missing under " + PrefixText(prefix));
    }
    bool old_leaf_touched = false;
    for (auto it = begin; it != end; ++it) {
      if (existing.leaf && it->key == existing.leaf->first)
        old_leaf_touched = true;
      if (it->value) pairs.emplace_back(it->key, *it->value);
    }
    if (existing.leaf && !old_leaf_touched) {
      pairs.insert(std::lower_bound(pairs.begin(), pairs.end(), *existing.leaf),
                   *existing.leaf);
    }
    return Build(txn, prefix, std::move(pairs));
  }

  IMEISYNC_ASSIGN_OR_RETURN(std::optional<StateNode> loaded,
                            LoadNode(txn, prefix));
  if (!loaded) return DataLoss("state node missing at " + PrefixText(prefix));
  StateNode node = *loaded;
  std::optional<StatePair> changed_leaf[16];
  for (auto it = begin; it != end;) {
    const int nibble = KeyNibble(it->key, prefix.depth);
    auto group_end = std::find_if(it, end, [&](const StateOp& op) {
      return KeyNibble(op.key, prefix.depth) != nibble;
    });
    Child child{node.kind[nibble], node.hash[nibble], std::nullopt};
    IMEISYNC_ASSIGN_OR_RETURN(Child updated, UpdateAt(txn, prefix.Child(nibble),
                                                      child, it, group_end));
    node.kind[nibble] = updated.kind;
    node.hash[nibble] = updated.hash;
    changed_leaf[nibble] = updated.leaf;
    it = group_end;
  }

  Child out;
  const int count = node.Count(0, 16);
  if (count == 0) {
    IMEISYNC_RETURN_IF_ERROR(txn.Delete(db_, prefix.NodeKey()));
    return out;
  }
  const int only = node.First(0, 16);
  if (count == 1 && node.kind[only] == ChildKind::kLeaf) {
    // One leaf left: this node collapses into it.
    IMEISYNC_RETURN_IF_ERROR(txn.Delete(db_, prefix.NodeKey()));
    out.kind = ChildKind::kLeaf;
    out.hash = node.hash[only];
    out.leaf = changed_leaf[only];
    if (!out.leaf) {
      IMEISYNC_ASSIGN_OR_RETURN(out.leaf, LeafUnder(txn, prefix.Child(only)));
      if (!out.leaf)
        return DataLoss("state leaf missing under " +
                        PrefixText(prefix.Child(only)));
    }
    return out;
  }
  IMEISYNC_RETURN_IF_ERROR(txn.Put(db_, prefix.NodeKey(), node.Encode()));
  out.kind = ChildKind::kInternal;
  out.hash = node.Hash();
  return out;
}

Result<Hash32> StateTree::Update(store::WriteTxn& txn,
                                 std::vector<StateOp> ops) const {
  // Sort by key; for a repeated key the later op wins.
  std::stable_sort(
      ops.begin(), ops.end(),
      [](const StateOp& a, const StateOp& b) { return a.key < b.key; });
  std::vector<StateOp> unique;
  unique.reserve(ops.size());
  for (auto& op : ops) {
    if (!unique.empty() && unique.back().key == op.key) {
      unique.back() = op;
    } else {
      unique.push_back(op);
    }
  }
  if (unique.empty()) return Root(txn);

  // The leaves database still holds the old state while the nodes change:
  // UpdateAt() reads old leaves from it.
  IMEISYNC_ASSIGN_OR_RETURN(SubtreeView root, At(txn, NibblePrefix{}));
  Child existing{root.kind, root.hash, std::nullopt};
  if (root.kind == ChildKind::kLeaf) existing.leaf = root.leaf;
  IMEISYNC_ASSIGN_OR_RETURN(
      Child updated,
      UpdateAt(txn, NibblePrefix{}, existing, unique.begin(), unique.end()));
  for (const StateOp& op : unique) {
    if (op.value) {
      IMEISYNC_RETURN_IF_ERROR(txn.Put(db_, LeafRecordKey(op.key), *op.value));
    } else {
      IMEISYNC_RETURN_IF_ERROR(txn.Delete(db_, LeafRecordKey(op.key)));
    }
  }
  return updated.hash;
}

}  // namespace imeisync::node::merkle
