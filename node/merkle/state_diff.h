// Merkle descent between two state trees: finds the keys whose values
// differ, reading only subtrees whose hashes differ. Either tree may be
// local or behind a network callback.
#ifndef IMEISYNC_NODE_MERKLE_STATE_DIFF_H_
#define IMEISYNC_NODE_MERKLE_STATE_DIFF_H_

#include <optional>
#include <vector>

#include "base/status.h"
#include "node/merkle/state_tree.h"

namespace imeisync::node::merkle {

// What the descent needs of a tree. A remote implementation turns each call
// into one request.
class StateTreeView {
 public:
  virtual ~StateTreeView() = default;
  virtual Result<SubtreeView> At(const NibblePrefix& prefix) = 0;
  virtual Result<std::vector<StatePair>> LeavesUnder(
      const NibblePrefix& prefix) = 0;
};

// A StateTree read through one store instance (hence one transaction).
// The tree must outlive the view.
class StoreStateView : public StateTreeView {
 public:
  explicit StoreStateView(const StateTree& tree) : tree_(tree) {}
  Result<SubtreeView> At(const NibblePrefix& prefix) override {
    return tree_.At(prefix);
  }
  Result<std::vector<StatePair>> LeavesUnder(
      const NibblePrefix& prefix) override {
    return tree_.LeavesUnder(prefix);
  }

 private:
  const StateTree& tree_;
};

// A tree that its owner reads through transactions: `tree.At(txn, prefix)`
// and `tree.LeavesUnder(txn, prefix)`, as state::LmdbStateTree offers, read
// through one transaction. Both must outlive the view.
template <class Tree, class Txn>
class LocalStateView : public StateTreeView {
 public:
  LocalStateView(const Tree& tree, const Txn& txn) : tree_(tree), txn_(txn) {}
  Result<SubtreeView> At(const NibblePrefix& prefix) override {
    return tree_.At(txn_, prefix);
  }
  Result<std::vector<StatePair>> LeavesUnder(
      const NibblePrefix& prefix) override {
    return tree_.LeavesUnder(txn_, prefix);
  }

 private:
  const Tree& tree_;
  const Txn& txn_;
};

struct StateDifference {
  Hash32 key;
  std::optional<Hash32> a;  // value in tree a, nullopt if absent there
  std::optional<Hash32> b;  // value in tree b, nullopt if absent there

  friend bool operator==(const StateDifference&,
                         const StateDifference&) = default;
};

// Every key whose value differs between `a` and `b`, in key order. Calls
// grow with the number of differences times the depth, not with the size
// of the trees.
Result<std::vector<StateDifference>> DiffStateTrees(StateTreeView& a,
                                                    StateTreeView& b);

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_DIFF_H_
