#include "node/proofs/signed_notes.h"

#include <algorithm>
#include <span>

#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "node/federation/origin_name.h"

namespace imeisync::node::proofs {
namespace {

// The member `origin` names in `bundle`: the signer of a member's log, or
// of an export log (docs/links.md).
Result<const federation::Member*> MemberOf(const federation::Bundle& bundle,
                                           const std::string& origin) {
  IMEISYNC_ASSIGN_OR_RETURN(federation::OriginParts parts,
                            federation::ParseOrigin(bundle.federation, origin));
  const federation::Member* m = bundle.FindMember(parts.node);
  if (m == nullptr) {
    return InvalidArgument("\"" + origin.substr(0, 80) +
                           "\" names no member of bundle version " +
                           std::to_string(bundle.version));
  }
  return m;
}

}  // namespace

// The state head: exactly one signature, by the node its first line names.
Result<CheckedHead> CheckStateHead(const federation::Bundle& bundle,
                                   const std::string& text) {
  const std::string where = "state head";
  auto note = crypto::ParseNote(text);
  if (!note.ok()) return Fail(where, note.status().message());
  if (note->signatures.size() != 1) {
    return Fail(where, "has " + std::to_string(note->signatures.size()) +
                           " signatures; a state head has exactly one");
  }
  auto head = state::ParseStateHeadText(note->text);
  if (!head.ok()) return Fail(where, head.status().message());
  auto member = MemberOf(bundle, head->node_origin);
  if (!member.ok()) return Fail(where, member.status().message());
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteVerifier verifier,
      crypto::NoteVerifier::Create(head->node_origin, (*member)->key));
  auto verified = crypto::VerifyNote(*note, std::span(&verifier, 1));
  if (!verified.ok()) {
    return Fail(where, "not signed by " + head->node_origin +
                           " with the key the bundle lists for it: " +
                           verified.status().message());
  }
  return CheckedHead{*std::move(head), (*member)->id};
}

// A checkpoint note of `origin`: its origin's signature must verify, and
// every other signature must be a cosignature by a member that verifies
// (the node keeps only those, so anything else was changed on the way).
Result<CheckedCheckpoint> CheckCheckpoint(const federation::Bundle& bundle,
                                          const std::string& origin,
                                          const std::string& text,
                                          const std::string& where) {
  auto note = crypto::ParseNote(text);
  if (!note.ok()) return Fail(where, note.status().message());
  auto cp = crypto::ParseCheckpointText(note->text);
  if (!cp.ok()) return Fail(where, cp.status().message());
  if (cp->origin != origin) {
    return Fail(where, "is a checkpoint of \"" + cp->origin.substr(0, 80) +
                           "\", not of this origin");
  }
  auto member = MemberOf(bundle, origin);
  if (!member.ok()) return Fail(where, member.status().message());
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteVerifier verifier,
      crypto::NoteVerifier::Create(origin, (*member)->key));
  auto verified = crypto::VerifyNote(*note, std::span(&verifier, 1));
  if (!verified.ok()) {
    return Fail(where, "origin signature: " + verified.status().message());
  }
  CheckedCheckpoint out{*std::move(cp), {}};
  for (const crypto::NoteSignature& sig : note->signatures) {
    if (verifier.Matches(sig)) continue;
    auto witness = MemberOf(bundle, sig.key_name);
    if (!witness.ok()) {
      return Fail(where, "signature by unknown key \"" +
                             sig.key_name.substr(0, 80) +
                             "\": " + witness.status().message());
    }
    IMEISYNC_ASSIGN_OR_RETURN(
        crypto::NoteVerifier cosigner,
        crypto::NoteVerifier::Create(sig.key_name, (*witness)->key,
                                     crypto::kNoteTypeCosignatureV1));
    auto ts = crypto::VerifyCosignature(note->text, sig, cosigner);
    if (!ts.ok()) return Fail(where, ts.status().message());
    const std::string& id = (*witness)->id;
    if (id != (*member)->id &&
        std::find(out.witnesses.begin(), out.witnesses.end(), id) ==
            out.witnesses.end()) {
      out.witnesses.push_back(id);
    }
  }
  return out;
}

}  // namespace imeisync::node::proofs
