// A node's copy of every origin's log: the entries, their RFC 9162 tree, the
// latest verified signed checkpoint of each origin, and evidence of
// equivocation. The replica side of docs/design.md "Replication", without
// the network.
//
// Databases (names in kOriginLogDatabases), keyed by origin-prefix =
// len(1) || origin:
//   log_entries     origin-prefix index(8)  -> canonical entry (43 bytes)
//   log_tree        LogTree records (log_tree.h)
//   log_checkpoints origin-prefix           -> latest verified signed note
//   log_evidence    origin-prefix seq(8)    -> Evidence::Encode()
// Every method works inside the caller's transaction: a range is applied,
// with its entries, tree nodes and checkpoint, or not at all.
#ifndef IMEISYNC_NODE_REPLICATION_ORIGIN_LOGS_H_
#define IMEISYNC_NODE_REPLICATION_ORIGIN_LOGS_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/checkpoint.h"
#include "node/entry.h"
#include "node/replication/evidence.h"
#include "node/store/env.h"

namespace imeisync::node::replication {

class LogTree;  // log_tree.h

inline constexpr std::array<const char*, 4> kOriginLogDatabases = {
    "log_entries", "log_tree", "log_checkpoints", "log_evidence"};

struct LogHead {
  uint64_t size = 0;
  Hash32 root{};  // RFC 9162 root; the empty root for size 0
  friend bool operator==(const LogHead&, const LogHead&) = default;
};

// A checkpoint whose signature the caller has verified against the origin's
// key (crypto::VerifyNote), with the signed note it came in.
struct VerifiedCheckpoint {
  crypto::Checkpoint checkpoint;
  std::string note;  // the whole signed note, kept verbatim as evidence
};

enum class ApplyOutcome {
  kApplied,       // the new entries and checkpoint are stored
  kAlreadyHave,   // consistent with what is stored; nothing new
  kEquivocation,  // evidence stored and the origin frozen; commit to keep it
};

class OriginLogs {
 public:
  // Opens the databases of kOriginLogDatabases. NotFound unless the Env
  // declared them.
  static Result<OriginLogs> Open(const store::Env& env);

  // The verified size and root of `origin` (size 0 if unknown).
  Result<LogHead> Head(const store::Txn& txn, std::string_view origin) const;
  // Every origin with stored entries (signed or, for this node's own log,
  // not yet signed), and its head, sorted by origin.
  Result<std::vector<std::pair<std::string, LogHead>>> Frontier(
      const store::Txn& txn) const;
  // The latest verified signed note of `origin`, or NotFound.
  Result<std::string> CheckpointNote(const store::Txn& txn,
                                     std::string_view origin) const;
  // The size that note covers; 0 when there is none.
  Result<uint64_t> SignedSize(const store::Txn& txn,
                              std::string_view origin) const;
  // The RFC 9162 root of `origin`'s log at `size`. InvalidArgument beyond
  // Head().size.
  Result<Hash32> RootAt(const store::Txn& txn, std::string_view origin,
                        uint64_t size) const;
  // Entries [begin, end) of `origin`. InvalidArgument beyond its size.
  Result<std::vector<Entry>> Read(const store::Txn& txn,
                                  std::string_view origin, uint64_t begin,
                                  uint64_t end) const;

  // The RFC 9162 inclusion proof of entry `index` in the tree of `size`
  // entries of `origin`. InvalidArgument unless index < size <= Head().size.
  Result<std::vector<Hash32>> InclusionProof(const store::Txn& txn,
                                             std::string_view origin,
                                             uint64_t index,
                                             uint64_t size) const;
  // The RFC 9162 consistency proof from size `first` to `second` of
  // `origin`. InvalidArgument unless 0 < first <= second <= Head().size.
  Result<std::vector<Hash32>> ConsistencyProof(const store::Txn& txn,
                                               std::string_view origin,
                                               uint64_t first,
                                               uint64_t second) const;

  // The origin's own path: appends `entries` to its log and returns the new
  // head, which the caller signs and records with RecordCheckpoint().
  Result<LogHead> Append(store::WriteTxn& txn, std::string_view origin,
                         std::span<const Entry> entries) const;
  // Stores the origin's own signed checkpoint. FailedPrecondition unless it
  // matches the log's current head.
  Status RecordCheckpoint(store::WriteTxn& txn,
                          const VerifiedCheckpoint& cp) const;

  // Replaces the stored note of `origin` by `note`, the same checkpoint
  // with more cosignatures. FailedPrecondition unless its text is the
  // stored note's text.
  Status ReplaceCheckpointNote(store::WriteTxn& txn, std::string_view origin,
                               std::string_view note) const;

  // The replica's path. `entries` are the origin's entries from Head().size
  // up to cp.checkpoint.size (empty when the checkpoint is not larger).
  //   - a frozen origin: FailedPrecondition;
  //   - a checkpoint no larger than the stored log: kAlreadyHave if its root
  //     is the stored tree's root at that size, else kEquivocation, with
  //     evidence that CheckEvidence() accepts;
  //   - a larger one: the entries must number exactly the difference
  //     (InvalidArgument) and, appended to the stored compact range, hash to
  //     the signed root (DataLoss otherwise: the caller aborts, nothing is
  //     applied). Then kApplied.
  // REQUIRES: the checkpoint's signature has been verified.
  Result<ApplyOutcome> Apply(store::WriteTxn& txn, const VerifiedCheckpoint& cp,
                             std::span<const Entry> entries) const;

  // The replica's path for a long range, one piece at a time: appends
  // `entries` after Head().size, giving size s, and checks that the tree of
  // size s is a prefix of the signed one: `proof` must be the RFC 9162
  // consistency proof from s to cp.checkpoint.size. DataLoss (abort) if it
  // is not; FailedPrecondition for a frozen origin; InvalidArgument unless
  // 0 < s < cp.checkpoint.size. The checkpoint itself is recorded by the
  // Apply() that brings the last piece.
  // REQUIRES: the checkpoint's signature has been verified.
  Result<LogHead> ApplyPrefix(store::WriteTxn& txn,
                              const VerifiedCheckpoint& cp,
                              std::span<const Entry> entries,
                              std::span<const Hash32> proof) const;

  // True once evidence against `origin` is stored: its entries are refused.
  Result<bool> Frozen(const store::Txn& txn, std::string_view origin) const;
  Result<std::vector<Evidence>> AllEvidence(const store::Txn& txn) const;

 private:
  OriginLogs(store::Db entries, store::Db tree, store::Db checkpoints,
             store::Db evidence)
      : entries_(entries),
        tree_(tree),
        checkpoints_(checkpoints),
        evidence_(evidence) {}
  Status StoreEvidence(store::WriteTxn& txn, const Evidence& evidence) const;
  // The log of `origin` for a proof up to `size`. InvalidArgument
  // "<no_proof> in the log of <origin> (size <n>)" unless `in_range` and
  // size <= the log's size n.
  Result<LogTree> ProofTree(const store::Txn& txn, std::string_view origin,
                            bool in_range, uint64_t size,
                            const std::string& no_proof) const;

  store::Db entries_, tree_, checkpoints_, evidence_;
};

}  // namespace imeisync::node::replication

#endif  // IMEISYNC_NODE_REPLICATION_ORIGIN_LOGS_H_
