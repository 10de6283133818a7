#include "node/audit/proof_verifier.h"

#include <algorithm>

#include "base/hex.h"
#include "crypto/checkpoint.h"
#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "node/core/links.h"
#include "node/core/origin_name.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/log_proof.h"
#include "node/merkle/state_proof.h"

namespace imeisync::node::audit {
namespace {

// `context`: what failed and where.
Status Fail(const std::string& context, const std::string& what) {
  return InvalidArgument(context + ": " + what);
}

// The member `origin` names in `bundle`: the signer of a member's log, or
// of an export log (docs/links.md).
Result<const federation::Member*> MemberOf(const federation::Bundle& bundle,
                                           const std::string& origin) {
  IMEISYNC_ASSIGN_OR_RETURN(core::OriginParts parts,
                            core::ParseOrigin(bundle.federation, origin));
  const federation::Member* m = bundle.FindMember(parts.node);
  if (m == nullptr) {
    return InvalidArgument("\"" + origin.substr(0, 80) +
                           "\" names no member of bundle version " +
                           std::to_string(bundle.version));
  }
  return m;
}

struct CheckedHead {
  core::StateHead head;
  std::string node_id;
};

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
  auto head = core::ParseStateHeadText(note->text);
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

struct CheckedCheckpoint {
  crypto::Checkpoint checkpoint;
  std::vector<std::string> witnesses;
};

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

// The checkpoint is a prefix of the log the state head names.
Status CheckConsistency(const crypto::Checkpoint& cp,
                        const core::FrontierEntry& f,
                        const std::vector<Hash32>& proof,
                        const std::string& where) {
  if (cp.size > f.size) {
    return Fail(where, "checkpoint size " + std::to_string(cp.size) +
                           " exceeds the state head's size " +
                           std::to_string(f.size));
  }
  if (cp.size == f.size || cp.size == 0) {
    const Hash32 root = cp.size == 0 ? merkle::EmptyLogRoot() : f.root;
    if (!proof.empty()) {
      return Fail(where, "a consistency proof where none is needed");
    }
    if (cp.root != root) {
      return Fail(where,
                  "the checkpoint root differs from the state head's "
                  "root at the same size");
    }
    return Status::Ok();
  }
  Status s = merkle::VerifyConsistency(cp.size, f.size, cp.root, f.root, proof);
  if (!s.ok()) {
    return Fail(where, "consistency proof from the checkpoint (size " +
                           std::to_string(cp.size) +
                           ") to the state head (size " +
                           std::to_string(f.size) + "): " + s.message());
  }
  return Status::Ok();
}

std::string SlotName(size_t slot) {
  return std::string(ReasonName(SlotReason(slot))) + " " +
         std::string(KindName(SlotKind(slot)));
}

// The id of the node that signed `head`, or "" if it names none: on a
// link's own node its export log counts grey-only (core::ImportRules).
std::string ProverId(const federation::Bundle& bundle,
                     const core::StateHead& head) {
  auto id = core::OriginNode(bundle.federation, head.node_origin);
  return id.ok() ? *id : "";
}

}  // namespace

Result<ProofFindings> CheckDeviceProof(const federation::Bundle& bundle,
                                       const DeviceProof& proof) {
  if (proof.bundle_version != bundle.version) {
    return InvalidArgument(
        "the proof was made under bundle version " +
        std::to_string(proof.bundle_version) + ", this is version " +
        std::to_string(bundle.version) + " of federation " + bundle.federation +
        ": check it with the bundle it was made under");
  }
  ProofFindings out;
  out.tag = proof.tag;
  IMEISYNC_ASSIGN_OR_RETURN(CheckedHead head,
                            CheckStateHead(bundle, proof.state_head));
  out.head = std::move(head.head);
  out.node_id = std::move(head.node_id);
  const std::vector<core::FrontierEntry>& frontier = out.head.frontier;
  if (proof.origins.size() != frontier.size()) {
    return InvalidArgument("the proof covers " +
                           std::to_string(proof.origins.size()) +
                           " origins, the state head's frontier has " +
                           std::to_string(frontier.size()));
  }
  const uint32_t quorum = bundle.policy.witness_quorum;
  std::vector<state::Register> counted;
  std::vector<size_t> counted_at;  // index into out.registers
  for (size_t i = 0; i < frontier.size(); ++i) {
    const OriginProof& o = proof.origins[i];
    const core::FrontierEntry& f = frontier[i];
    const std::string where =
        "origins[" + std::to_string(i) + "] (" + f.origin + ")";
    if (o.origin != f.origin) {
      return Fail(where, "the proof names origin \"" + o.origin.substr(0, 80) +
                             "\" here; the state head's frontier differs");
    }
    ProvenOrigin po{f.origin, f.size, 0, {}};
    std::optional<crypto::Checkpoint> cp;
    if (!o.checkpoint.empty()) {
      IMEISYNC_ASSIGN_OR_RETURN(CheckedCheckpoint checked,
                                CheckCheckpoint(bundle, f.origin, o.checkpoint,
                                                where + " checkpoint"));
      IMEISYNC_RETURN_IF_ERROR(
          CheckConsistency(checked.checkpoint, f, o.consistency, where));
      po.checkpoint_size = checked.checkpoint.size;
      po.witnesses = std::move(checked.witnesses);
      cp = std::move(checked.checkpoint);
    } else if (!o.consistency.empty()) {
      return Fail(where, "a consistency proof without a checkpoint");
    }
    // An export log has no witnesses but its link node, which counts it on
    // the exporter's signature alone (core::Node::CountedSize).
    const bool witnessed = quorum == 0 || po.witnesses.size() >= quorum ||
                           IsExportOrigin(f.origin);
    if (o.slots.size() != kSlotsPerOrigin) {
      return Fail(where, std::to_string(o.slots.size()) + " slots, need " +
                             std::to_string(kSlotsPerOrigin));
    }
    for (size_t s = 0; s < o.slots.size(); ++s) {
      const SlotProof& slot = o.slots[s];
      std::string at = where + " slots[" + std::to_string(s) + "] (" +
                       SlotName(s) +
                       (slot.reg ? ", index " + std::to_string(slot.reg->index)
                                 : std::string()) +
                       ")";
      if (slot.reason != SlotReason(s) || slot.kind != SlotKind(s)) {
        return Fail(at, "the slot is labelled " +
                            std::string(ReasonName(slot.reason)) + " " +
                            std::string(KindName(slot.kind)) +
                            "; slots must be in (reason, kind) order");
      }
      const Hash32 key = state::RegisterKey(proof.tag, f.origin, slot.reason,
                                            ActionOfKind(slot.kind));
      auto value =
          merkle::VerifyStateProof(out.head.state_root, key, slot.state_proof);
      if (!value.ok()) {
        return Fail(at, value.status().message() + " (the state root)");
      }
      ++out.keys;
      if (!value->has_value()) {
        if (slot.reg) {
          return Fail(at,
                      "the state proof shows the key absent, but the proof "
                      "gives a register for it");
        }
        continue;
      }
      if (!slot.reg) {
        return Fail(at,
                    "the state tree holds a register here, but the proof "
                    "gives none");
      }
      const ProvenRegister& r = *slot.reg;
      if (r.entry.tag != proof.tag || r.entry.reason != slot.reason ||
          KindOf(r.entry.action) != slot.kind) {
        return Fail(at, "the register's entry is not for this tag and slot");
      }
      state::Register reg{f.origin, r.index, r.entry};
      if (state::RegisterDigest(reg) != **value) {
        return Fail(at,
                    "the register does not hash to the value the state "
                    "tree holds");
      }
      if (!cp) {
        return Fail(at, "no signed checkpoint of the origin covers it");
      }
      if (r.index >= cp->size) {
        return Fail(at, "entry index is beyond the signed checkpoint (size " +
                            std::to_string(cp->size) + ")");
      }
      const Hash32 leaf = merkle::LogLeafHash(EncodeEntry(r.entry));
      Status included = merkle::VerifyInclusion(r.index, cp->size, leaf,
                                                r.inclusion, cp->root);
      if (!included.ok()) {
        return Fail(at,
                    "log inclusion proof does not lead to the checkpoint "
                    "root (size " +
                        std::to_string(cp->size) + "): " + included.message());
      }
      if (witnessed) {
        counted.push_back(reg);
        counted_at.push_back(out.registers.size());
      }
      out.registers.push_back({std::move(reg), witnessed, false});
    }
    out.origins.push_back(std::move(po));
  }
  if (counted.size() >= 65536) {
    return InvalidArgument(
        "the proof holds more registers than a verdict "
        "can weigh");
  }
  // As the prover's own checks decide (core::DeviceChecks): a link's node
  // holds no registry, so registration does not count there.
  const std::string prover = ProverId(bundle, out.head);
  federation::Policy policy = bundle.policy;
  if (const federation::Member* m = bundle.FindMember(prover);
      m != nullptr && m->role == federation::Role::kForeign) {
    policy.registration_required = false;
  }
  const verdict::Decision d = verdict::Decide(
      policy, counted, verdict::LocalFacts{}, verdict::DayOf(out.head.time_ms),
      core::ImportRules(bundle, prover));
  out.verdict = d.verdict;
  out.rule = d.rule;
  for (uint16_t b : d.basis) out.registers[counted_at[b]].basis = true;
  return out;
}

Result<ProofFindings> VerifyDeviceProof(const federation::Bundle& bundle,
                                        const DeviceProof& proof) {
  IMEISYNC_ASSIGN_OR_RETURN(ProofFindings found,
                            CheckDeviceProof(bundle, proof));
  if (found.verdict != proof.verdict || found.rule != proof.rule) {
    return InvalidArgument(
        "verdict: the proof claims " +
        std::string(verdict::VerdictName(proof.verdict)) + " (" +
        std::string(verdict::RuleName(proof.rule)) +
        "), but its registers and the bundle's policy give " +
        std::string(verdict::VerdictName(found.verdict)) + " (" +
        std::string(verdict::RuleName(found.rule)) + ")");
  }
  return found;
}

}  // namespace imeisync::node::audit
