#include "node/core/replicator.h"

namespace imeisync::node::core {
namespace {

Status CheckAt(const replication::LogHead& head, uint64_t first_index,
               const std::string& origin) {
  if (head.size == first_index) return Status::Ok();
  return AlreadyExists("the log of " + origin + " is at " +
                       std::to_string(head.size) + ", not " +
                       std::to_string(first_index) +
                       ": another pull applied these entries");
}

}  // namespace

Result<replication::VerifiedCheckpoint> Replicator::VerifyCheckpoint(
    std::string_view note) const {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::ParsedCheckpoint parsed,
                            crypto::ParseSignedCheckpoint(note));
  IMEISYNC_ASSIGN_OR_RETURN(OriginTerms terms,
                            bundles_.TermsOf(parsed.checkpoint.origin));
  return VerifyCheckpoint(parsed, terms);
}

Result<replication::VerifiedCheckpoint> Replicator::VerifyCheckpoint(
    const crypto::ParsedCheckpoint& parsed, const OriginTerms& terms) const {
  const crypto::Checkpoint& c = parsed.checkpoint;
  if (!terms.self_may_hold) {
    return PermissionDenied(
        "this node may not hold " + c.origin +
        ": export logs are for their link's member only, and a foreign "
        "member holds only its own log and its link's export log");
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteVerifier verifier,
      crypto::NoteVerifier::Create(c.origin, terms.member.key));
  auto verified = crypto::VerifyNote(parsed.note, std::span(&verifier, 1));
  if (!verified.ok()) {
    return InvalidArgument("checkpoint of " + c.origin + " at size " +
                           std::to_string(c.size) + ": " +
                           verified.status().message());
  }
  return replication::VerifiedCheckpoint{c, parsed.raw};
}

Result<uint64_t> Replicator::FoldNew(store::WriteTxn& txn,
                                     std::string_view origin,
                                     const OriginTerms& terms,
                                     uint64_t first_index,
                                     std::span<const Entry> entries) const {
  // Fold() checks entries against a role's policy: give it a policy whose
  // only role is this origin's allowance.
  federation::Policy allowed;
  allowed.roles[terms.member.role] = terms.allowance;
  IMEISYNC_ASSIGN_OR_RETURN(
      state::FoldResult r, storage_.fold().Fold(txn, allowed, terms.member.role,
                                                origin, first_index, entries));
  return r.rejected;
}

Result<replication::ApplyOutcome> Replicator::ApplyRange(
    const replication::VerifiedCheckpoint& cp, const OriginTerms& terms,
    uint64_t first_index, std::span<const Entry> entries) {
  const replication::OriginLogs& logs = storage_.logs();
  replication::ApplyOutcome outcome{};
  Status written = storage_.env().Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead before,
                              logs.Head(txn, cp.checkpoint.origin));
    if (!entries.empty()) {
      IMEISYNC_RETURN_IF_ERROR(
          CheckAt(before, first_index, cp.checkpoint.origin));
    }
    IMEISYNC_ASSIGN_OR_RETURN(outcome, logs.Apply(txn, cp, entries));
    if (outcome == replication::ApplyOutcome::kApplied) {
      IMEISYNC_RETURN_IF_ERROR(
          FoldNew(txn, cp.checkpoint.origin, terms, before.size, entries)
              .status());
      if (cp.checkpoint.origin != self_origin_) {
        IMEISYNC_RETURN_IF_ERROR(witnessing_.CosignApplied(txn, cp, terms));
      }
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return outcome;
}

Result<replication::LogHead> Replicator::ApplyPiece(
    const replication::VerifiedCheckpoint& cp, const OriginTerms& terms,
    uint64_t first_index, std::span<const Entry> entries,
    std::span<const Hash32> proof) {
  const replication::OriginLogs& logs = storage_.logs();
  replication::LogHead head;
  Status written = storage_.env().Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead before,
                              logs.Head(txn, cp.checkpoint.origin));
    IMEISYNC_RETURN_IF_ERROR(
        CheckAt(before, first_index, cp.checkpoint.origin));
    IMEISYNC_ASSIGN_OR_RETURN(head, logs.ApplyPrefix(txn, cp, entries, proof));
    return FoldNew(txn, cp.checkpoint.origin, terms, before.size, entries)
        .status();
  });
  if (!written.ok()) return written;
  return head;
}

}  // namespace imeisync::node::core
