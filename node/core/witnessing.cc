#include "node/core/witnessing.h"

#include <vector>

#include "base/clock.h"

namespace imeisync::node::core {

Result<crypto::Note> Witnessing::KeptNote(
    const crypto::Note& note, const replication::VerifiedCheckpoint& cp,
    const OriginTerms& terms, crypto::NoteSignature mine) const {
  const federation::Member& member = terms.member;
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteVerifier origin_key,
      crypto::NoteVerifier::Create(cp.checkpoint.origin, member.key));
  // What is stored is the origin's signature and the cosignatures of other
  // members that verify, nothing else: a relay cannot pad the note with
  // lines of unknown keys until ours no longer fits.
  crypto::Note kept{note.text, {}};
  for (const crypto::NoteSignature& s : note.signatures) {
    if (origin_key.Matches(s)) {
      kept.signatures.push_back(s);
      continue;
    }
    if (s.key_name == mine.key_name && s.key_id == mine.key_id) continue;
    for (const replication::WitnessKey& k : terms.witness_keys) {
      if (k.member != member.id && k.verifier.Matches(s) &&
          crypto::VerifyCosignature(note.text, s, k.verifier).ok()) {
        kept.signatures.push_back(s);
        break;
      }
    }
  }
  if (kept.signatures.size() >= crypto::kMaxNoteSignatures) {
    return ResourceExhausted("checkpoint of " + cp.checkpoint.origin +
                             " already carries " +
                             std::to_string(kept.signatures.size()) +
                             " signatures; no room for this node's");
  }
  kept.signatures.push_back(std::move(mine));
  return kept;
}

Status Witnessing::CosignApplied(store::WriteTxn& txn,
                                 const replication::VerifiedCheckpoint& cp,
                                 const OriginTerms& terms) const {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note note, crypto::ParseNote(cp.note));
  const uint64_t now_s = UnixMillis() / 1000;
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteSignature mine,
      storage_.witness().Cosign(txn, storage_.logs(), cp.checkpoint, cosigner_,
                                now_s));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note kept,
                            KeptNote(note, cp, terms, std::move(mine)));
  IMEISYNC_RETURN_IF_ERROR(storage_.logs().ReplaceCheckpointNote(
      txn, cp.checkpoint.origin, crypto::FormatNote(kept)));
  return RecordWitnesses(txn, kept, cp.checkpoint, terms);
}

Status Witnessing::RecordWitnesses(store::WriteTxn& txn,
                                   const crypto::Note& note,
                                   const crypto::Checkpoint& checkpoint,
                                   const OriginTerms& terms) const {
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<std::string> witnesses,
                            replication::VerifiedWitnesses(
                                note, terms.witness_keys, terms.member.id));
  return storage_.witness().RecordWitnessed(txn, checkpoint.origin,
                                            checkpoint.size, witnesses.size());
}

Result<std::optional<std::string>> Witnessing::AddCosignatures(
    std::string_view note) {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::ParsedCheckpoint parsed,
                            crypto::ParseSignedCheckpoint(note));
  return AddCosignatures(parsed);
}

Result<std::optional<std::string>> Witnessing::AddCosignatures(
    const crypto::ParsedCheckpoint& parsed) {
  IMEISYNC_ASSIGN_OR_RETURN(OriginTerms terms,
                            bundles_.TermsOf(parsed.checkpoint.origin));
  return AddCosignatures(parsed, terms);
}

Result<std::optional<std::string>> Witnessing::AddCosignatures(
    const crypto::ParsedCheckpoint& checkpoint, const OriginTerms& terms) {
  const crypto::Note& parsed = checkpoint.note;
  const crypto::Checkpoint& c = checkpoint.checkpoint;
  const std::string_view note = checkpoint.raw;
  const replication::OriginLogs& logs = storage_.logs();
  auto merged_with =
      [&](const store::Txn& txn) -> Result<std::optional<std::string>> {
    auto stored = logs.CheckpointNote(txn, c.origin);
    if (!stored.ok()) {
      if (stored.status().code() == StatusCode::kNotFound ||
          stored.status().code() == StatusCode::kInvalidArgument) {
        return std::optional<std::string>();
      }
      return stored.status();
    }
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Note ours, crypto::ParseNote(*stored));
    if (ours.text != parsed.text) return std::optional<std::string>();
    return replication::MergeCosignatures(*stored, note, terms.witness_keys);
  };
  // Most announces bring nothing new: decide that without the writer lock.
  bool merge = false;
  size_t older = 0;  // witnesses to record for an older checkpoint
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
    IMEISYNC_ASSIGN_OR_RETURN(std::optional<std::string> merged,
                              merged_with(txn));
    merge = merged.has_value();
    if (!merge) {
      IMEISYNC_ASSIGN_OR_RETURN(
          older, OlderCheckpointWitnesses(txn, parsed, c, terms));
    }
  }
  if (!merge) {
    if (older > 0) {
      IMEISYNC_RETURN_IF_ERROR(
          storage_.env().Update([&](store::WriteTxn& write) {
            return storage_.witness().RecordWitnessed(write, c.origin, c.size,
                                                      older);
          }));
    }
    return std::optional<std::string>();
  }
  std::optional<std::string> out;
  Status written = storage_.env().Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(out, merged_with(txn));
    if (!out) return Status::Ok();
    IMEISYNC_RETURN_IF_ERROR(logs.ReplaceCheckpointNote(txn, c.origin, *out));
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Note now, crypto::ParseNote(*out));
    return RecordWitnesses(txn, now, c, terms);
  });
  if (!written.ok()) return written;
  return out;
}

Result<size_t> Witnessing::OlderCheckpointWitnesses(
    const store::Txn& txn, const crypto::Note& note,
    const crypto::Checkpoint& c, const OriginTerms& terms) const {
  // Cosignatures on a checkpoint older than the stored one still witness
  // the entries it covers, if it is a prefix of the log held here: without
  // this, an origin signing faster than cosignatures travel would never be
  // witnessed.
  const replication::OriginLogs& logs = storage_.logs();
  IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                            logs.Head(txn, c.origin));
  if (c.size == 0 || c.size > head.size) return size_t{0};
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 root, logs.RootAt(txn, c.origin, c.size));
  if (root != c.root) return size_t{0};
  auto witnesses =
      replication::VerifiedWitnesses(note, terms.witness_keys, terms.member.id);
  if (!witnesses.ok() || witnesses->empty()) return size_t{0};
  IMEISYNC_ASSIGN_OR_RETURN(
      uint64_t counted,
      storage_.witness().WitnessedSize(txn, c.origin, witnesses->size()));
  if (counted >= c.size) return size_t{0};
  return witnesses->size();
}

Result<uint64_t> Witnessing::CountedSize(
    const store::Txn& txn, std::string_view origin,
    const federation::Policy& policy) const {
  // Only its link's member holds an export log, so no quorum of witnesses
  // can gather on it: the exporter's signature is what counts there.
  if (policy.witness_quorum == 0 || IsExportOrigin(origin)) {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                              storage_.logs().Head(txn, origin));
    return head.size;
  }
  return storage_.witness().WitnessedSize(txn, origin, policy.witness_quorum);
}

}  // namespace imeisync::node::core
