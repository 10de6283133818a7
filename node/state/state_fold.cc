#include "node/state/state_fold.h"

#include "base/big_endian.h"
#include "crypto/sha256.h"

namespace imeisync::node::state {
namespace {

constexpr std::string_view kKeyDomain = "imeisync/register/v2";
constexpr std::string_view kValueDomain = "imeisync/register-value/v1";

// 0 for statements (BLOCK, CLEAR, REGISTER, DEREGISTER), 1 for overrides
// (ALLOW): an override has a register of its own.
uint8_t KindOf(Action action) { return action == Action::kAllow ? 1 : 0; }

// tag(32) len(1) origin reason(1) kind(1)
Bytes RecordKey(const Hash32& tag, std::string_view origin, Reason reason,
                Action action) {
  Bytes k(tag.begin(), tag.end());
  k.push_back(static_cast<uint8_t>(origin.size()));
  k.insert(k.end(), origin.begin(), origin.end());
  k.push_back(static_cast<uint8_t>(reason));
  k.push_back(KindOf(action));
  return k;
}

// len(1) origin reason(1)
Bytes RejectionKey(std::string_view origin, Reason reason) {
  Bytes k{static_cast<uint8_t>(origin.size())};
  k.insert(k.end(), origin.begin(), origin.end());
  k.push_back(static_cast<uint8_t>(reason));
  return k;
}

}  // namespace

Hash32 RegisterKey(const Hash32& tag, std::string_view origin, Reason reason,
                   Action action) {
  crypto::Sha256Hasher h;
  const uint8_t len = static_cast<uint8_t>(origin.size());
  const uint8_t slot[2] = {static_cast<uint8_t>(reason), KindOf(action)};
  h.Update(AsBytes(kKeyDomain))
      .Update(tag)
      .Update(ByteView(&len, 1))
      .Update(AsBytes(origin))
      .Update(ByteView(slot, 2));
  return h.Finish();
}

Hash32 RegisterDigest(const Register& reg) {
  crypto::Sha256Hasher h;
  const uint8_t len = static_cast<uint8_t>(reg.origin.size());
  Bytes index;
  AppendU64(index, reg.index);
  h.Update(AsBytes(kValueDomain))
      .Update(ByteView(&len, 1))
      .Update(AsBytes(reg.origin))
      .Update(index)
      .Update(EncodeEntry(reg.entry));
  return h.Finish();
}

Result<StateFold> StateFold::Open(const store::Env& env) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Db registers,
                            env.Database(kStateDatabases[0]));
  IMEISYNC_ASSIGN_OR_RETURN(StateTreeDbs tree, StateTreeDbs::Open(env));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db rejections,
                            env.Database(kStateDatabases[3]));
  return StateFold(registers, LmdbStateTree(tree), rejections);
}

Result<FoldResult> StateFold::Fold(store::WriteTxn& txn,
                                   const federation::Policy& policy,
                                   federation::Role role,
                                   std::string_view origin,
                                   uint64_t first_index,
                                   std::span<const Entry> entries) const {
  if (origin.empty() || origin.size() > 255) {
    return InvalidArgument("origin must be 1 to 255 bytes");
  }
  FoldResult result;
  std::vector<merkle::StateOp> ops;
  std::map<Reason, uint64_t> rejected;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    // A source belongs in export logs and only there (node/entry.h).
    if (!federation::Allows(policy, role, e.action, e.reason) ||
        e.source.empty() == IsExportOrigin(origin)) {
      ++rejected[e.reason];
      ++result.rejected;
      continue;
    }
    Register reg{std::string(origin), first_index + i, e};
    Bytes value;
    AppendU64(value, reg.index);
    const EncodedEntry encoded = EncodeEntry(e);
    value.insert(value.end(), encoded.begin(), encoded.end());
    IMEISYNC_RETURN_IF_ERROR(txn.Put(
        registers_, RecordKey(e.tag, origin, e.reason, e.action), value));
    ops.push_back(
        {RegisterKey(e.tag, origin, e.reason, e.action), RegisterDigest(reg)});
    ++result.applied;
  }
  for (const auto& [reason, count] : rejected) {
    const Bytes key = RejectionKey(origin, reason);
    uint64_t total = count;
    auto old = txn.Get(rejections_, key);
    if (old.ok() && old->size() == 8) total += LoadU64(*old);
    Bytes v;
    AppendU64(v, total);
    IMEISYNC_RETURN_IF_ERROR(txn.Put(rejections_, key, v));
  }
  IMEISYNC_ASSIGN_OR_RETURN(result.root, tree_.Update(txn, std::move(ops)));
  return result;
}

Result<std::vector<Register>> StateFold::RegistersOf(const store::Txn& txn,
                                                     const Hash32& tag) const {
  std::vector<Register> out;
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(registers_));
  for (cursor.Seek(tag); cursor.Valid(); cursor.Next()) {
    ByteView k = cursor.key();
    if (k.size() < 33 || !std::equal(tag.begin(), tag.end(), k.begin())) break;
    ByteView v = cursor.value();
    if (k.size() != 35u + k[32] || v.size() < 8 + kEncodedEntrySize) {
      return DataLoss("malformed register record");
    }
    auto entry = DecodeEntry(v.subspan(8));
    if (!entry.ok())
      return DataLoss("stored register: " + entry.status().message());
    if (static_cast<uint8_t>(entry->reason) != k[k.size() - 2] ||
        KindOf(entry->action) != k.back() ||
        !std::equal(tag.begin(), tag.end(), entry->tag.begin())) {
      return DataLoss("stored register does not match its key");
    }
    out.push_back(
        {std::string(AsChars(k.subspan(33, k[32]))), LoadU64(v), *entry});
  }
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  return out;
}

Result<std::optional<Register>> StateFold::Latest(const store::Txn& txn,
                                                  const Hash32& tag,
                                                  std::string_view origin,
                                                  Reason reason,
                                                  Action action) const {
  Result<ByteView> v =
      txn.Get(registers_, RecordKey(tag, origin, reason, action));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return std::optional<Register>();
    }
    return v.status();
  }
  if (v->size() < 8 + kEncodedEntrySize) {
    return DataLoss("malformed register record");
  }
  auto entry = DecodeEntry(v->subspan(8));
  if (!entry.ok()) {
    return DataLoss("stored register: " + entry.status().message());
  }
  return std::optional<Register>(
      Register{std::string(origin), LoadU64(*v), *entry});
}

Result<std::map<std::pair<std::string, Reason>, uint64_t>>
StateFold::Rejections(const store::Txn& txn) const {
  std::map<std::pair<std::string, Reason>, uint64_t> out;
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(rejections_));
  for (cursor.SeekToFirst(); cursor.Valid(); cursor.Next()) {
    ByteView k = cursor.key();
    if (k.empty() || k.size() != 2u + k[0] || cursor.value().size() != 8) {
      return DataLoss("malformed rejection record");
    }
    out[{std::string(AsChars(k.subspan(1, k[0]))),
         static_cast<Reason>(k.back())}] = LoadU64(cursor.value());
  }
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  return out;
}

}  // namespace imeisync::node::state
