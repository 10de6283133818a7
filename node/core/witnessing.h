// This node as a witness of other origins' checkpoints (docs/design.md
// "Witnessing and audit"): it cosigns each checkpoint it applies, keeps the
// cosignatures of other members that verify, and counts how many entries
// of an origin a witness quorum covers.
//
// Threads: every method may be called from any thread.
#ifndef IMEISYNC_NODE_CORE_WITNESSING_H_
#define IMEISYNC_NODE_CORE_WITNESSING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/checkpoint.h"
#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "node/core/bundle_holder.h"
#include "node/core/storage.h"

namespace imeisync::node::core {

class Witnessing {
 public:
  // Both must outlive this. `cosigner` is this node's key as a witness
  // (key ID type 0x04).
  Witnessing(Storage& storage, const BundleHolder& bundles,
             crypto::Cosigner cosigner)
      : storage_(storage), bundles_(bundles), cosigner_(std::move(cosigner)) {}

  // Cosigns `cp`, another origin's checkpoint just applied in `txn`, if it
  // is consistent with the last one this node cosigned for the origin
  // (FailedPrecondition if not: the caller aborts `txn`), and stores the
  // note with the origin's signature, the verified cosignatures of other
  // members and this node's. ResourceExhausted if the note has no room.
  // REQUIRES: `terms` are those `cp` was verified under.
  Status CosignApplied(store::WriteTxn& txn,
                       const replication::VerifiedCheckpoint& cp,
                       const OriginTerms& terms) const;

  // Adds the cosignatures on `note` that this node's copy of the same
  // checkpoint lacks and that verify with a member's witness key, and
  // records how many witnesses the checkpoint now has. Returns the stored
  // note if it gained any, else nullopt (also when this node holds another
  // checkpoint of that origin, or none). Only cosignatures that verify
  // with `terms.witness_keys` count. REQUIRES: `terms` are
  // BundleHolder::TermsOf the note's origin.
  Result<std::optional<std::string>> AddCosignatures(
      const crypto::ParsedCheckpoint& parsed, const OriginTerms& terms);
  // The same under the current bundle's terms. InvalidArgument for a
  // malformed note or origin; NotFound for an origin the bundle does not
  // list.
  Result<std::optional<std::string>> AddCosignatures(
      const crypto::ParsedCheckpoint& parsed);
  Result<std::optional<std::string>> AddCosignatures(std::string_view note);

  // How many of `origin`'s entries count for verdicts under the policy's
  // witness quorum: all of them when the quorum is 0 or for an export log,
  // else the size of the largest checkpoint seen with that many witnesses.
  Result<uint64_t> CountedSize(const store::Txn& txn, std::string_view origin,
                               const federation::Policy& policy) const;

 private:
  // How many witnesses `note`, a checkpoint `c` other than the stored one,
  // carries, if `c` is a prefix of the log held here and recording them
  // would raise a witnessed size; else 0.
  Result<size_t> OlderCheckpointWitnesses(const store::Txn& txn,
                                          const crypto::Note& note,
                                          const crypto::Checkpoint& c,
                                          const OriginTerms& terms) const;
  // Records how many witnesses `note` (the stored note of its origin) has.
  Status RecordWitnesses(store::WriteTxn& txn, const crypto::Note& note,
                         const crypto::Checkpoint& checkpoint,
                         const OriginTerms& terms) const;
  // The note this node stores for `cp`: the origin's signature, every
  // other member's cosignature that verifies, and `mine`.
  Result<crypto::Note> KeptNote(const crypto::Note& note,
                                const replication::VerifiedCheckpoint& cp,
                                const OriginTerms& terms,
                                crypto::NoteSignature mine) const;

  Storage& storage_;
  const BundleHolder& bundles_;
  const crypto::Cosigner cosigner_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_WITNESSING_H_
