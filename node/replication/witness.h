// Witnessing (c2sp.org/tlog-cosignature@v1.0.1): a node cosigns the
// checkpoints of other origins it has verified, gathers the cosignatures
// other members made on the same checkpoint text, and remembers how far
// each origin's log is witnessed. docs/audit.md "Witnessing".
//
// A witness cosigns a checkpoint only if it is consistent with the last
// checkpoint it cosigned for that origin, so one witness key never vouches
// for two forks. Its state is stored in the caller's write transaction,
// the same one that stores the cosigned note.
//
// Databases (names in kWitnessDatabases), keyed by len(1) || origin:
//   witness_state  -> size(8) root(32) timestamp(8): the last checkpoint
//                     this node cosigned for the origin
//   witnessed      -> size(8) * n: element k-1 is the largest checkpoint
//                     size seen with at least k distinct witnesses
//                     (n <= kMaxWitnessLevels), non-increasing
#ifndef IMEISYNC_NODE_REPLICATION_WITNESS_H_
#define IMEISYNC_NODE_REPLICATION_WITNESS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/checkpoint.h"
#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "node/replication/origin_logs.h"
#include "node/store/env.h"

namespace imeisync::node::replication {

inline constexpr std::array<const char*, 2> kWitnessDatabases = {
    "witness_state", "witnessed"};

// Quorums above this are not tracked (a bundle may not ask for more).
inline constexpr size_t kMaxWitnessLevels = 64;

// What a witness last cosigned for one origin.
struct CosignedHead {
  uint64_t size = 0;
  Hash32 root{};
  uint64_t timestamp = 0;  // POSIX seconds of the cosignature
  friend bool operator==(const CosignedHead&, const CosignedHead&) = default;
};

// One member's witness key: its cosignature verifier (type 0x04) under the
// member's origin name, and the member id.
struct WitnessKey {
  std::string member;
  crypto::NoteVerifier verifier;
};

// The distinct witnesses whose cosignatures on `note` verify, by member id
// in the order they appear, leaving out `origin_member` (an origin does not
// witness itself). Signatures by unknown keys are ignored; a cosignature by
// a known key that does not verify is InvalidArgument naming the witness.
Result<std::vector<std::string>> VerifiedWitnesses(
    const crypto::Note& note, std::span<const WitnessKey> keys,
    std::string_view origin_member);

// `stored` plus the cosignatures of `incoming` that verify and that
// `stored` lacks, or nullopt if there are none to add. InvalidArgument if
// the two notes are not over the same text. Cosignatures that do not verify
// are dropped, never copied.
Result<std::optional<std::string>> MergeCosignatures(
    std::string_view stored, std::string_view incoming,
    std::span<const WitnessKey> keys);

class Witness {
 public:
  // Opens the databases of kWitnessDatabases; NotFound unless declared.
  static Result<Witness> Open(const store::Env& env);

  // The last checkpoint cosigned for `origin`, or nullopt.
  Result<std::optional<CosignedHead>> Last(const store::Txn& txn,
                                           std::string_view origin) const;

  // Cosigns `checkpoint` at `timestamp` if it is consistent with the last
  // checkpoint cosigned for its origin: equal to it, or larger with an
  // RFC 9162 consistency proof from `logs` (which must hold the origin's
  // log at least up to checkpoint.size) that verifies. Records the new
  // state in `txn` and returns the cosignature line. FailedPrecondition if
  // the checkpoint is smaller than the last one cosigned, or a fork of it:
  // a witness never signs both.
  Result<crypto::NoteSignature> Cosign(store::WriteTxn& txn,
                                       const OriginLogs& logs,
                                       const crypto::Checkpoint& checkpoint,
                                       const crypto::Cosigner& cosigner,
                                       uint64_t timestamp) const;

  // Records that a checkpoint of `origin` at `size` carries `witnesses`
  // distinct witnesses. Sizes only grow.
  Status RecordWitnessed(store::WriteTxn& txn, std::string_view origin,
                         uint64_t size, size_t witnesses) const;
  // The largest checkpoint size of `origin` seen with at least `quorum`
  // witnesses: entries below it count under that quorum. 0 if none.
  // REQUIRES: quorum >= 1.
  Result<uint64_t> WitnessedSize(const store::Txn& txn, std::string_view origin,
                                 size_t quorum) const;

 private:
  Witness(store::Db state, store::Db witnessed)
      : state_(state), witnessed_(witnessed) {}
  store::Db state_;
  store::Db witnessed_;
};

}  // namespace imeisync::node::replication

#endif  // IMEISYNC_NODE_REPLICATION_WITNESS_H_
