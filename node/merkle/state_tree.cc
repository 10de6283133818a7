#include "node/merkle/state_tree.h"

#include <algorithm>
#include <string>

namespace imeisync::node::merkle {
namespace {

std::string PrefixText(const NibblePrefix& p) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "prefix '";
  for (int i = 0; i < p.depth; ++i) s += kHex[KeyNibble(p.bytes, i)];
  return s + "'";
}

}  // namespace

Result<uint64_t> StateTree::Version() const { return store_.Version(); }

Result<StateChild> StateTree::RootChild(uint64_t version) const {
  if (version == 0) return StateChild{};
  auto v = store_.Root(version);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return NotFound("state tree version " + std::to_string(version) +
                      " is not retained (pruned, or not yet written)");
    }
    return v.status();
  }
  auto root = DecodeStateRoot(*v);
  if (!root.ok()) return DataLoss(root.status().message());
  return root;
}

Result<StateNode> StateTree::LoadNode(uint64_t version,
                                      const NibblePrefix& prefix) const {
  auto v = store_.Node(version, prefix);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return DataLoss("state node of version " + std::to_string(version) +
                      " missing at " + PrefixText(prefix));
    }
    return v.status();
  }
  auto node = StateNode::Decode(*v);
  if (!node.ok()) {
    return DataLoss("state node at " + PrefixText(prefix) + ": " +
                    node.status().message());
  }
  return node;
}

Result<Hash32> StateTree::Root() const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, Version());
  return RootAt(version);
}

Result<Hash32> StateTree::RootAt(uint64_t version) const {
  IMEISYNC_ASSIGN_OR_RETURN(StateChild root, RootChild(version));
  return root.hash;
}

Result<SubtreeView> StateTree::At(const NibblePrefix& prefix) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, Version());
  IMEISYNC_ASSIGN_OR_RETURN(StateChild at, RootChild(version));
  NibblePrefix walked;
  SubtreeView view;
  for (;;) {
    if (at.kind == ChildKind::kEmpty) return view;
    if (at.kind == ChildKind::kLeaf) {
      if (prefix.Covers(at.leaf.first)) {
        view.kind = ChildKind::kLeaf;
        view.leaf = at.leaf;
        view.hash = at.hash;
      }
      return view;
    }
    IMEISYNC_ASSIGN_OR_RETURN(StateNode node, LoadNode(at.version, walked));
    if (walked.depth == prefix.depth) {
      view.kind = ChildKind::kInternal;
      view.hash = at.hash;
      view.node = node;
      return view;
    }
    const int nibble = KeyNibble(prefix.bytes, walked.depth);
    at = node.child[nibble];
    walked = walked.Child(nibble);
  }
}

Status StateTree::CollectLeaves(const NibblePrefix& prefix,
                                const StateChild& at,
                                std::vector<StatePair>& out) const {
  if (at.kind == ChildKind::kLeaf) out.push_back(at.leaf);
  if (at.kind != ChildKind::kInternal) return Status::Ok();
  IMEISYNC_ASSIGN_OR_RETURN(StateNode node, LoadNode(at.version, prefix));
  for (int n = 0; n < 16; ++n) {
    IMEISYNC_RETURN_IF_ERROR(
        CollectLeaves(prefix.Child(n), node.child[n], out));
  }
  return Status::Ok();
}

Result<std::vector<StatePair>> StateTree::LeavesUnder(
    const NibblePrefix& prefix) const {
  IMEISYNC_ASSIGN_OR_RETURN(SubtreeView view, At(prefix));
  std::vector<StatePair> out;
  if (view.kind == ChildKind::kLeaf) out.push_back(view.leaf);
  if (view.kind == ChildKind::kInternal) {
    for (int n = 0; n < 16; ++n) {
      IMEISYNC_RETURN_IF_ERROR(
          CollectLeaves(prefix.Child(n), view.node.child[n], out));
    }
  }
  return out;
}

Result<std::optional<Hash32>> StateTree::Get(const Hash32& key) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, Version());
  IMEISYNC_ASSIGN_OR_RETURN(StateChild at, RootChild(version));
  NibblePrefix walked;
  while (at.kind == ChildKind::kInternal) {
    IMEISYNC_ASSIGN_OR_RETURN(StateNode node, LoadNode(at.version, walked));
    const int nibble = KeyNibble(key, walked.depth);
    at = node.child[nibble];
    walked = walked.Child(nibble);
  }
  if (at.kind == ChildKind::kLeaf && at.leaf.first == key) {
    return std::optional<Hash32>(at.leaf.second);
  }
  return std::optional<Hash32>();
}

Result<StateProof> StateTree::Prove(const Hash32& key) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, Version());
  return ProveAt(key, version);
}

Result<StateProof> StateTree::ProveAt(const Hash32& key,
                                      uint64_t version) const {
  IMEISYNC_ASSIGN_OR_RETURN(StateChild at, RootChild(version));
  StateProof proof;
  NibblePrefix walked;
  for (;;) {
    if (at.kind == ChildKind::kEmpty) return proof;
    if (at.kind == ChildKind::kLeaf) {
      proof.leaf = at.leaf;
      return proof;
    }
    IMEISYNC_ASSIGN_OR_RETURN(StateNode node, LoadNode(at.version, walked));
    const int slot = KeyNibble(key, walked.depth);
    int lo = 0, hi = 16;
    for (;;) {
      const int n = node.Count(lo, hi);
      if (n == 0) return proof;  // an empty subtree: the key is absent
      const StateChild& only = node.child[node.First(lo, hi)];
      if (n == 1 && only.kind == ChildKind::kLeaf) {
        proof.leaf = only.leaf;
        return proof;
      }
      if (hi - lo == 1) break;  // a node: descend into it
      const int mid = (lo + hi) / 2;
      if (slot < mid) {
        proof.siblings.push_back(node.RangeHash(mid, hi));
        hi = mid;
      } else {
        proof.siblings.push_back(node.RangeHash(lo, mid));
        lo = mid;
      }
    }
    at = node.child[slot];
    walked = walked.Child(slot);
  }
}

StateChild StateTree::Build(Pending& out, uint64_t version,
                            const NibblePrefix& prefix,
                            std::vector<StatePair> pairs) const {
  if (pairs.empty()) return StateChild{};
  if (pairs.size() == 1) return StateChild::Leaf(pairs[0]);
  StateNode node;
  for (auto it = pairs.begin(); it != pairs.end();) {
    const int nibble = KeyNibble(it->first, prefix.depth);
    auto group_end = std::find_if(it, pairs.end(), [&](const StatePair& p) {
      return KeyNibble(p.first, prefix.depth) != nibble;
    });
    node.child[nibble] = Build(out, version, prefix.Child(nibble),
                               std::vector<StatePair>(it, group_end));
    it = group_end;
  }
  out.nodes.push_back({prefix, node.Encode()});
  return StateChild::Node(node.Hash(), version);
}

Result<StateChild> StateTree::UpdateAt(Pending& out, uint64_t version,
                                       const NibblePrefix& prefix,
                                       const StateChild& existing, OpIter begin,
                                       OpIter end) const {
  if (existing.kind != ChildKind::kInternal) {
    // Nothing stored below: merge the old pair (if any) with the ops and
    // build the subtree afresh.
    std::vector<StatePair> pairs;
    bool old_pair_touched = false;
    for (auto it = begin; it != end; ++it) {
      if (existing.kind == ChildKind::kLeaf && it->key == existing.leaf.first) {
        old_pair_touched = true;
      }
      if (it->value) pairs.emplace_back(it->key, *it->value);
    }
    if (existing.kind == ChildKind::kLeaf && !old_pair_touched) {
      pairs.insert(std::lower_bound(pairs.begin(), pairs.end(), existing.leaf),
                   existing.leaf);
    }
    return Build(out, version, prefix, std::move(pairs));
  }

  IMEISYNC_ASSIGN_OR_RETURN(StateNode node, LoadNode(existing.version, prefix));
  // The old node is replaced whatever happens below; list it for Prune().
  out.stale.push_back({existing.version, prefix});
  for (auto it = begin; it != end;) {
    const int nibble = KeyNibble(it->key, prefix.depth);
    auto group_end = std::find_if(it, end, [&](const StateOp& op) {
      return KeyNibble(op.key, prefix.depth) != nibble;
    });
    IMEISYNC_ASSIGN_OR_RETURN(node.child[nibble],
                              UpdateAt(out, version, prefix.Child(nibble),
                                       node.child[nibble], it, group_end));
    it = group_end;
  }
  const int count = node.Count(0, 16);
  if (count == 0) return StateChild{};
  const StateChild& only = node.child[node.First(0, 16)];
  if (count == 1 && only.kind == ChildKind::kLeaf) return only;  // collapse
  out.nodes.push_back({prefix, node.Encode()});
  return StateChild::Node(node.Hash(), version);
}

Result<Hash32> StateTree::Update(std::vector<StateOp> ops) const {
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
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, Version());
  IMEISYNC_ASSIGN_OR_RETURN(StateChild root, RootChild(version));
  if (unique.empty()) return root.hash;
  const uint64_t next = version + 1;
  Pending out;
  IMEISYNC_ASSIGN_OR_RETURN(
      StateChild updated,
      UpdateAt(out, next, NibblePrefix{}, root, unique.begin(), unique.end()));
  IMEISYNC_RETURN_IF_ERROR(store_.PutNodes(next, out.nodes));
  if (!out.stale.empty()) {
    IMEISYNC_RETURN_IF_ERROR(store_.PutStale(next, out.stale));
  }
  IMEISYNC_RETURN_IF_ERROR(store_.PutRoot(next, EncodeStateRoot(updated)));
  IMEISYNC_RETURN_IF_ERROR(store_.SetVersion(next));
  return updated.hash;
}

Result<uint64_t> StateTree::Prune(uint64_t keep_from, uint64_t limit) const {
  // The latest version is never pruned, whatever the caller asks.
  IMEISYNC_ASSIGN_OR_RETURN(const uint64_t latest, Version());
  keep_from = std::min(keep_from, latest);
  // A node listed as stale by version s serves only versions below s.
  std::vector<uint64_t> lists;
  std::vector<StateNodeId> doomed_nodes;
  for (uint64_t from = 0; doomed_nodes.size() < limit;) {
    IMEISYNC_ASSIGN_OR_RETURN(std::optional<StaleList> list,
                              store_.NextStale(from));
    if (!list || list->version > keep_from) break;
    lists.push_back(list->version);
    doomed_nodes.insert(doomed_nodes.end(), list->nodes.begin(),
                        list->nodes.end());
    from = list->version + 1;
  }
  IMEISYNC_ASSIGN_OR_RETURN(const std::vector<uint64_t> doomed_roots,
                            store_.RootVersions(keep_from, limit));
  IMEISYNC_RETURN_IF_ERROR(store_.DeleteNodes(doomed_nodes));
  for (uint64_t v : lists) IMEISYNC_RETURN_IF_ERROR(store_.DeleteStale(v));
  for (uint64_t v : doomed_roots)
    IMEISYNC_RETURN_IF_ERROR(store_.DeleteRoot(v));
  return static_cast<uint64_t>(doomed_nodes.size() + lists.size() +
                               doomed_roots.size());
}

}  // namespace imeisync::node::merkle
