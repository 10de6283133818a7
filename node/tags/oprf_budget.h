// The OPRF evaluator's ledger: how many blinded evaluations each member has
// used in each epoch. It lives in the evaluator's LMDB environment, so a
// budget survives restarts; a charge and the answer it pays for are
// decided in one write transaction, so a crash never loses a charge that
// was answered. Local-only, like the tag cache.
#ifndef IMEISYNC_NODE_TAGS_OPRF_BUDGET_H_
#define IMEISYNC_NODE_TAGS_OPRF_BUDGET_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "node/store/env.h"

namespace imeisync::node::tags {

inline constexpr std::array<const char*, 1> kOprfBudgetDatabases = {
    "oprf_budget"};

// Key: epoch (8 bytes, big-endian) || member id. Value: evaluations used
// (8 bytes, big-endian).
class OprfBudgets {
 public:
  // NotFound unless kOprfBudgetDatabases were declared when `env` opened.
  static Result<OprfBudgets> Open(const store::Env& env);

  // Evaluations `member` has used in `epoch` (0 if none).
  Result<uint64_t> Used(const store::Txn& txn, uint64_t epoch,
                        std::string_view member) const;
  // Charges `count` evaluations to `member` in `epoch` and returns what
  // remains of `limit`. ResourceExhausted, with nothing written, if that
  // would exceed `limit`; the message states the remaining budget.
  Result<uint64_t> Charge(store::WriteTxn& txn, uint64_t epoch,
                          std::string_view member, uint64_t count,
                          uint64_t limit) const;
  // Gives back `count` evaluations charged to a batch that was then not
  // answered (never below 0).
  Status Refund(store::WriteTxn& txn, uint64_t epoch, std::string_view member,
                uint64_t count) const;
  // member -> used, for every member that used any in `epoch`.
  Result<std::map<std::string, uint64_t>> UsedIn(const store::Txn& txn,
                                                 uint64_t epoch) const;

 private:
  explicit OprfBudgets(store::Db db) : db_(db) {}
  store::Db db_;
};

// The ResourceExhausted status for a batch of `count` that `remaining`
// cannot pay for.
Status BudgetExhausted(std::string_view member, uint64_t epoch,
                       uint64_t remaining, uint64_t limit, uint64_t count);

}  // namespace imeisync::node::tags

#endif  // IMEISYNC_NODE_TAGS_OPRF_BUDGET_H_
