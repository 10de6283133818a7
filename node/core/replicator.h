// The replica side of a node (docs/design.md "What is checked before
// anything is applied"): verifies another origin's signed checkpoint,
// applies the entries a pull brought against it, and folds them into the
// state, in one write transaction per applied batch.
//
// Threads: every method may be called from any thread; writes are
// serialised by the LMDB writer lock, so two pulls of one origin cannot
// both apply (the second gets AlreadyExists).
#ifndef IMEISYNC_NODE_CORE_REPLICATOR_H_
#define IMEISYNC_NODE_CORE_REPLICATOR_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/checkpoint.h"
#include "node/core/bundle_holder.h"
#include "node/core/storage.h"
#include "node/core/witnessing.h"
#include "node/entry.h"

namespace imeisync::node::core {

class Replicator {
 public:
  // Every argument must outlive this. `self_id` is this node's member id
  // and `self_origin` its log's origin name.
  Replicator(Storage& storage, const BundleHolder& bundles,
             const Witnessing& witnessing, std::string self_id,
             std::string self_origin)
      : storage_(storage),
        bundles_(bundles),
        witnessing_(witnessing),
        self_id_(std::move(self_id)),
        self_origin_(std::move(self_origin)) {}

  // Verifies the signature of `parsed` with the key of the member its
  // origin names. REQUIRES: `terms` are BundleHolder::TermsOf the parsed
  // origin. InvalidArgument for a bad signature; PermissionDenied for a log
  // this node may not hold (federation::MayRead: another link's export
  // log, or on a foreign member anything but its own log and its link's
  // export log).
  Result<replication::VerifiedCheckpoint> VerifyCheckpoint(
      const crypto::ParsedCheckpoint& parsed, const OriginTerms& terms) const;
  // The same for a note not yet parsed, under the current bundle's terms:
  // InvalidArgument if it does not parse or names an origin outside this
  // federation; NotFound for a member or link this node's bundle does not
  // list (its bundle may be older).
  Result<replication::VerifiedCheckpoint> VerifyCheckpoint(
      std::string_view note) const;

  // Applies `entries`, which start at index `first_index` and end at the
  // checkpoint's size, and folds them, in one transaction. See
  // OriginLogs::Apply. An equivocation is committed as evidence and
  // freezes the origin. AlreadyExists, with nothing changed, if the log is
  // no longer at `first_index` (another peer's pull got there first);
  // `entries` empty skips that check.
  // When applied, and the origin is not this node, this node witnesses the
  // checkpoint in the same transaction (Witnessing::CosignApplied); if it
  // cannot, nothing is applied. Entries are folded under
  // `terms.allowance`, and cosignatures kept by `terms.witness_keys`.
  // REQUIRES: `terms` are those `cp` was verified under.
  Result<replication::ApplyOutcome> ApplyRange(
      const replication::VerifiedCheckpoint& cp, const OriginTerms& terms,
      uint64_t first_index, std::span<const Entry> entries);
  // One piece of a long range, checked by a consistency proof to the
  // checkpoint; see OriginLogs::ApplyPrefix. Folds in the same transaction.
  // AlreadyExists as ApplyRange.
  Result<replication::LogHead> ApplyPiece(
      const replication::VerifiedCheckpoint& cp, const OriginTerms& terms,
      uint64_t first_index, std::span<const Entry> entries,
      std::span<const Hash32> proof);

 private:
  // Folds `entries` of `origin`, appended at `first_index`, under the
  // origin's allowance. Returns how many were rejected.
  Result<uint64_t> FoldNew(store::WriteTxn& txn, std::string_view origin,
                           const OriginTerms& terms, uint64_t first_index,
                           std::span<const Entry> entries) const;

  Storage& storage_;
  const BundleHolder& bundles_;
  const Witnessing& witnessing_;
  const std::string self_id_;
  const std::string self_origin_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_REPLICATOR_H_
