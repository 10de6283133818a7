#include "node/merkle/state_diff.h"

namespace imeisync::node::merkle {
namespace {

// The leaves of a subtree already fetched: none, the one leaf, or (for a
// node) all of them from the view.
Result<std::vector<StatePair>> Leaves(StateTreeView& view,
                                      const NibblePrefix& prefix,
                                      const SubtreeView& at) {
  switch (at.kind) {
    case ChildKind::kEmpty:
      return std::vector<StatePair>{};
    case ChildKind::kLeaf:
      return std::vector<StatePair>{at.leaf};
    case ChildKind::kInternal:
      return view.LeavesUnder(prefix);
  }
  return Internal("unknown subtree kind");
}

void MergeDifferences(const std::vector<StatePair>& a,
                      const std::vector<StatePair>& b,
                      std::vector<StateDifference>& out) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back({a[i].first, a[i].second, std::nullopt});
      ++i;
    } else if (i == a.size() || b[j].first < a[i].first) {
      out.push_back({b[j].first, std::nullopt, b[j].second});
      ++j;
    } else {
      if (a[i].second != b[j].second)
        out.push_back({a[i].first, a[i].second, b[j].second});
      ++i;
      ++j;
    }
  }
}

// What lies at a child slot: a pair or nothing is known from the parent
// node itself; only a child node costs a call to the view.
Result<SubtreeView> ChildView(StateTreeView& view, const NibblePrefix& prefix,
                              const StateChild& child) {
  if (child.kind == ChildKind::kInternal) return view.At(prefix);
  SubtreeView out;
  out.kind = child.kind;
  out.hash = child.hash;
  out.leaf = child.leaf;
  return out;
}

Status Descend(StateTreeView& a, StateTreeView& b, const NibblePrefix& prefix,
               const SubtreeView& va, const SubtreeView& vb,
               std::vector<StateDifference>& out) {
  if (va.hash == vb.hash) return Status::Ok();
  if (va.kind == ChildKind::kInternal && vb.kind == ChildKind::kInternal) {
    for (int n = 0; n < 16; ++n) {
      const StateChild& ca = va.node.child[n];
      const StateChild& cb = vb.node.child[n];
      if (ca.kind == cb.kind && ca.hash == cb.hash) continue;
      const NibblePrefix child = prefix.Child(n);
      IMEISYNC_ASSIGN_OR_RETURN(SubtreeView sa, ChildView(a, child, ca));
      IMEISYNC_ASSIGN_OR_RETURN(SubtreeView sb, ChildView(b, child, cb));
      IMEISYNC_RETURN_IF_ERROR(Descend(a, b, child, sa, sb, out));
    }
    return Status::Ok();
  }
  // One side holds at most one pair here: compare pair sets directly.
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<StatePair> la, Leaves(a, prefix, va));
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<StatePair> lb, Leaves(b, prefix, vb));
  MergeDifferences(la, lb, out);
  return Status::Ok();
}

}  // namespace

Result<std::vector<StateDifference>> DiffStateTrees(StateTreeView& a,
                                                    StateTreeView& b) {
  std::vector<StateDifference> out;
  IMEISYNC_ASSIGN_OR_RETURN(SubtreeView va, a.At(NibblePrefix{}));
  IMEISYNC_ASSIGN_OR_RETURN(SubtreeView vb, b.At(NibblePrefix{}));
  IMEISYNC_RETURN_IF_ERROR(Descend(a, b, NibblePrefix{}, va, vb, out));
  return out;
}

}  // namespace imeisync::node::merkle
