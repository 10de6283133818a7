#include "node/verdict/local_data.h"

#include <algorithm>

namespace imeisync::node::verdict {
namespace {

Bytes PairKey(const Hash32& tag, std::string_view imsi) {
  Bytes k(tag.begin(), tag.end());
  k.insert(k.end(), imsi.begin(), imsi.end());
  return k;
}

}  // namespace

bool IsValidImsi(std::string_view imsi) {
  return imsi.size() >= 5 && imsi.size() <= 15 &&
         std::all_of(imsi.begin(), imsi.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

Result<LocalData> LocalData::Open(const store::Env& env) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Db pairs, env.Database(kLocalDatabases[0]));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db seen, env.Database(kLocalDatabases[1]));
  return LocalData(pairs, seen);
}

Status LocalData::Pair(store::WriteTxn& txn, const Hash32& tag,
                       std::string_view imsi) const {
  if (!IsValidImsi(imsi)) return InvalidArgument("IMSI must be 5 to 15 digits");
  return txn.Put(pairs_, PairKey(tag, imsi), {});
}

Status LocalData::Unpair(store::WriteTxn& txn, const Hash32& tag,
                         std::string_view imsi) const {
  if (!IsValidImsi(imsi)) return InvalidArgument("IMSI must be 5 to 15 digits");
  const Bytes key = PairKey(tag, imsi);
  Result<ByteView> old = txn.Get(pairs_, key);
  if (!old.ok()) {
    if (old.status().code() == StatusCode::kNotFound) {
      return NotFound("that IMEI and IMSI are not paired");
    }
    return old.status();
  }
  return txn.Delete(pairs_, key);
}

Result<bool> LocalData::IsPaired(const store::Txn& txn, const Hash32& tag,
                                 std::string_view imsi) const {
  if (!IsValidImsi(imsi)) return false;
  Result<ByteView> v = txn.Get(pairs_, PairKey(tag, imsi));
  if (v.ok()) return true;
  if (v.status().code() == StatusCode::kNotFound) return false;
  return v.status();
}

Status LocalData::SetFirstSeen(store::WriteTxn& txn, const Hash32& tag,
                               uint32_t day) const {
  const uint8_t v[4] = {
      static_cast<uint8_t>(day >> 24), static_cast<uint8_t>(day >> 16),
      static_cast<uint8_t>(day >> 8), static_cast<uint8_t>(day)};
  return txn.Put(seen_, tag, ByteView(v, 4));
}

Result<std::optional<uint32_t>> LocalData::FirstSeen(const store::Txn& txn,
                                                     const Hash32& tag) const {
  Result<ByteView> v = txn.Get(seen_, tag);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return std::optional<uint32_t>();
    }
    return v.status();
  }
  if (v->size() != 4) return DataLoss("malformed first-seen record");
  const ByteView b = *v;
  return std::optional<uint32_t>(uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 |
                                 uint32_t{b[2]} << 8 | uint32_t{b[3]});
}

}  // namespace imeisync::node::verdict
