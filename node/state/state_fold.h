// The state: the deterministic fold of every verified origin log into
// registers, one per (tag, origin, reason, kind): that origin's latest valid
// entry for the tag and reason, where kind separates statements (BLOCK,
// CLEAR, REGISTER, DEREGISTER) from overrides (ALLOW). With the state tree
// over the registers. Keying by reason keeps independent statements apart:
// the ministry's REGISTER (reason REGISTRY) survives its BLOCK for
// COUNTERFEIT, and a CLEAR for COURT_ORDER does not lift a block for
// DUPLICATE; keying by kind keeps an ALLOW in force when the ministry later
// clears a block of its own for the same reason. See docs/formats.md
// "Registers" and docs/verdicts.md.
//
// Validity depends only on the entry and the bundle's policy for the
// origin's role, so every node accepts and rejects exactly the same entries
// and two nodes with equal frontiers reach equal state roots. Rejected
// entries are counted per origin and reason, never applied.
#ifndef IMEISYNC_NODE_STATE_STATE_FOLD_H_
#define IMEISYNC_NODE_STATE_STATE_FOLD_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/entry.h"
#include "node/federation/bundle.h"
#include "node/merkle/state_tree.h"
#include "node/state/lmdb_state_store.h"
#include "node/store/env.h"

namespace imeisync::node::state {

// Every database of the state, to declare in store::EnvOptions: the
// registers and rejection counts (docs/formats.md "Registers") and the
// state tree's (docs/formats.md "State storage").
inline constexpr std::array<const char*, 4> kStateDatabases = {
    "registers", kStateTreeDatabases[0], kStateTreeDatabases[1], "rejections"};

struct Register {
  std::string origin;
  uint64_t index = 0;  // the entry's position in the origin's log
  Entry entry;

  friend bool operator==(const Register&, const Register&) = default;
};

// The state-tree key of the register that an entry with `action` and
// `reason` for `tag` from `origin` goes to:
// SHA-256("imeisync/register/v2" || tag || len(1) || origin || reason(1) ||
// kind(1)), kind 1 for ALLOW and 0 for every other action.
Hash32 RegisterKey(const Hash32& tag, std::string_view origin, Reason reason,
                   Action action);
// The state-tree value of a register:
// SHA-256("imeisync/register-value/v1" || len(1) || origin || index(8) ||
// entry).
Hash32 RegisterDigest(const Register& reg);

struct FoldResult {
  uint64_t applied = 0;
  uint64_t rejected = 0;
  Hash32 root{};  // the state root after the fold
};

class StateFold {
 public:
  // Opens the databases of kStateDatabases; NotFound unless declared.
  static Result<StateFold> Open(const store::Env& env);

  // Folds entries `first_index`, `first_index` + 1, ... of `origin`, whose
  // bundle role is `role`, in the caller's transaction. Entries the policy
  // does not allow for `role` are counted and skipped.
  // REQUIRES: the entries are verified and in log order, continuing what was
  // folded before for this origin.
  Result<FoldResult> Fold(store::WriteTxn& txn,
                          const federation::Policy& policy,
                          federation::Role role, std::string_view origin,
                          uint64_t first_index,
                          std::span<const Entry> entries) const;

  // Every register of `tag`, in (origin, reason, kind) order.
  Result<std::vector<Register>> RegistersOf(const store::Txn& txn,
                                            const Hash32& tag) const;
  // The register an entry (action, reason) for `tag` from `origin` would
  // replace, or nullopt.
  Result<std::optional<Register>> Latest(const store::Txn& txn,
                                         const Hash32& tag,
                                         std::string_view origin, Reason reason,
                                         Action action) const;
  Result<Hash32> Root(const store::Txn& txn) const { return tree_.Root(txn); }
  // How many registers the state holds.
  Result<uint64_t> RegisterCount(const store::Txn& txn) const {
    return txn.Count(registers_);
  }
  // Rejected entries per (origin, reason).
  Result<std::map<std::pair<std::string, Reason>, uint64_t>> Rejections(
      const store::Txn& txn) const;
  // The state tree over the registers, used through the caller's
  // transactions (lmdb_state_store.h).
  const LmdbStateTree& tree() const { return tree_; }

 private:
  StateFold(store::Db registers, LmdbStateTree tree, store::Db rejections)
      : registers_(registers), tree_(tree), rejections_(rejections) {}

  store::Db registers_;
  LmdbStateTree tree_;
  store::Db rejections_;
};

}  // namespace imeisync::node::state

#endif  // IMEISYNC_NODE_STATE_STATE_FOLD_H_
