#include "node/tags/oprf_budget.h"

#include <algorithm>

#include "base/big_endian.h"
#include "node/store/cursor.h"

namespace imeisync::node::tags {
namespace {

Bytes EpochPrefix(uint64_t epoch) {
  Bytes out;
  AppendU64(out, epoch);
  return out;
}

Bytes BudgetKey(uint64_t epoch, std::string_view member) {
  Bytes key = EpochPrefix(epoch);
  key.insert(key.end(), member.begin(), member.end());
  return key;
}

Bytes EncodeUsed(uint64_t used) {
  Bytes value;
  AppendU64(value, used);
  return value;
}

Result<uint64_t> DecodeUsed(ByteView v) {
  if (v.size() != 8) {
    return DataLoss("oprf_budget: a ledger value is " +
                    std::to_string(v.size()) + " bytes, not 8");
  }
  return LoadU64(v);
}

}  // namespace

Status BudgetExhausted(std::string_view member, uint64_t epoch,
                       uint64_t remaining, uint64_t limit, uint64_t count) {
  return ResourceExhausted(
      "member " + std::string(member) + " has " + std::to_string(remaining) +
      " of its " + std::to_string(limit) + " OPRF evaluations left in epoch " +
      std::to_string(epoch) + "; this batch asks for " + std::to_string(count) +
      ". Nothing was evaluated or charged");
}

Result<OprfBudgets> OprfBudgets::Open(const store::Env& env) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Db db,
                            env.Database(kOprfBudgetDatabases[0]));
  return OprfBudgets(db);
}

Result<uint64_t> OprfBudgets::Used(const store::Txn& txn, uint64_t epoch,
                                   std::string_view member) const {
  Result<ByteView> v = txn.Get(db_, BudgetKey(epoch, member));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) return uint64_t{0};
    return v.status();
  }
  return DecodeUsed(*v);
}

Result<uint64_t> OprfBudgets::Charge(store::WriteTxn& txn, uint64_t epoch,
                                     std::string_view member, uint64_t count,
                                     uint64_t limit) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t used, Used(txn, epoch, member));
  const uint64_t remaining = used >= limit ? 0 : limit - used;
  if (count > remaining) {
    return BudgetExhausted(member, epoch, remaining, limit, count);
  }
  IMEISYNC_RETURN_IF_ERROR(
      txn.Put(db_, BudgetKey(epoch, member), EncodeUsed(used + count)));
  return remaining - count;
}

Status OprfBudgets::Refund(store::WriteTxn& txn, uint64_t epoch,
                           std::string_view member, uint64_t count) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t used, Used(txn, epoch, member));
  return txn.Put(db_, BudgetKey(epoch, member),
                 EncodeUsed(used >= count ? used - count : 0));
}

Result<std::map<std::string, uint64_t>> OprfBudgets::UsedIn(
    const store::Txn& txn, uint64_t epoch) const {
  std::map<std::string, uint64_t> out;
  const Bytes prefix = EpochPrefix(epoch);
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(db_));
  for (cursor.Seek(prefix); cursor.Valid(); cursor.Next()) {
    ByteView key = cursor.key();
    if (key.size() < 8 ||
        !std::equal(prefix.begin(), prefix.end(), key.begin()))
      break;
    IMEISYNC_ASSIGN_OR_RETURN(uint64_t used, DecodeUsed(cursor.value()));
    out.emplace(std::string(key.begin() + 8, key.end()), used);
  }
  if (!cursor.status().ok()) return cursor.status();
  return out;
}

}  // namespace imeisync::node::tags
