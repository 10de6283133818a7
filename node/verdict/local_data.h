// The operator's local-only data: IMEI–IMSI exception pairs and the day each
// device was first seen on this network. It lives in the node's LMDB
// environment next to the state but outside it: no state tree covers it, no
// log carries it and no peer RPC serves it (docs/design.md "Device checks").
//
// Devices are keyed by their tag, so the same store works in salted and
// oprf mode; IMSIs are kept as given (the operator's own subscribers).
#ifndef IMEISYNC_NODE_VERDICT_LOCAL_DATA_H_
#define IMEISYNC_NODE_VERDICT_LOCAL_DATA_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "node/store/env.h"

namespace imeisync::node::verdict {

inline constexpr std::array<const char*, 2> kLocalDatabases = {"local_pairs",
                                                               "local_seen"};

// True for 5 to 15 ASCII digits (ITU-T E.212: MCC 3 + MNC 2–3 + MSIN).
bool IsValidImsi(std::string_view imsi);

class LocalData {
 public:
  // Opens the databases of kLocalDatabases; NotFound unless declared.
  static Result<LocalData> Open(const store::Env& env);

  // Pairs the device with the IMSI; pairing twice is a no-op.
  // REQUIRES: IsValidImsi(imsi).
  Status Pair(store::WriteTxn& txn, const Hash32& tag,
              std::string_view imsi) const;
  // Removes the pair. NotFound if it was not there.
  Status Unpair(store::WriteTxn& txn, const Hash32& tag,
                std::string_view imsi) const;
  // Whether (tag, imsi) is paired. False for an empty or invalid imsi.
  Result<bool> IsPaired(const store::Txn& txn, const Hash32& tag,
                        std::string_view imsi) const;

  // Sets the day (since 1970-01-01 UTC) the device was first seen, replacing
  // any earlier record: the operator's own data is authoritative.
  Status SetFirstSeen(store::WriteTxn& txn, const Hash32& tag,
                      uint32_t day) const;
  // The day recorded by SetFirstSeen, or nullopt.
  Result<std::optional<uint32_t>> FirstSeen(const store::Txn& txn,
                                            const Hash32& tag) const;

  Result<uint64_t> PairCount(const store::Txn& txn) const {
    return txn.Count(pairs_);
  }
  Result<uint64_t> SeenCount(const store::Txn& txn) const {
    return txn.Count(seen_);
  }

 private:
  LocalData(store::Db pairs, store::Db seen) : pairs_(pairs), seen_(seen) {}
  store::Db pairs_;  // tag(32) imsi -> ""
  store::Db seen_;   // tag(32) -> day(4, BE)
};

}  // namespace imeisync::node::verdict

#endif  // IMEISYNC_NODE_VERDICT_LOCAL_DATA_H_
