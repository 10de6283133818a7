#include "node/proofs/proof_verifier.h"

#include <optional>

#include "base/hex.h"
#include "crypto/checkpoint.h"
#include "node/federation/links.h"
#include "node/federation/origin_name.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/log_proof.h"
#include "node/merkle/state_proof.h"
#include "node/proofs/signed_notes.h"
#include "node/verdict/import_rules.h"

namespace imeisync::node::proofs {
namespace {

// The checkpoint is a prefix of the log the state head names.
Status CheckConsistency(const crypto::Checkpoint& cp,
                        const state::FrontierEntry& f,
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
// link's own node its export log counts grey-only (verdict::ImportRules).
std::string ProverId(const federation::Bundle& bundle,
                     const state::StateHead& head) {
  auto id = federation::OriginNode(bundle.federation, head.node_origin);
  return id.ok() ? *id : "";
}

// The proof was made under this very bundle: the policy and the members'
// keys it is checked against are the ones the prover used.
Status CheckBundleVersion(const federation::Bundle& bundle,
                          const DeviceProof& proof) {
  if (proof.bundle_version != bundle.version) {
    return InvalidArgument(
        "the proof was made under bundle version " +
        std::to_string(proof.bundle_version) + ", this is version " +
        std::to_string(bundle.version) + " of federation " + bundle.federation +
        ": check it with the bundle it was made under");
  }
  return Status::Ok();
}

// What an origin's log proofs establish, for the register checks after them.
struct CheckedOrigin {
  ProvenOrigin proven;
  std::optional<crypto::Checkpoint> checkpoint;  // verified, if any
  bool witnessed = false;  // its registers count for the verdict
};

// The frontier and log proofs of one origin: the proof names the frontier's
// origin, and its checkpoint (if any) is signed as CheckCheckpoint requires
// and is a prefix of the log the state head names.
// REQUIRES: `f` is the entry of a state head whose signature verified, at
// the same position as `o`; `where` names that position.
Result<CheckedOrigin> CheckOriginLog(const federation::Bundle& bundle,
                                     const OriginProof& o,
                                     const state::FrontierEntry& f,
                                     const std::string& where) {
  if (o.origin != f.origin) {
    return Fail(where, "the proof names origin \"" + o.origin.substr(0, 80) +
                           "\" here; the state head's frontier differs");
  }
  CheckedOrigin out{{f.origin, f.size, 0, {}}, std::nullopt, false};
  if (!o.checkpoint.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(
        CheckedCheckpoint checked,
        CheckCheckpoint(bundle, f.origin, o.checkpoint, where + " checkpoint"));
    IMEISYNC_RETURN_IF_ERROR(
        CheckConsistency(checked.checkpoint, f, o.consistency, where));
    out.proven.checkpoint_size = checked.checkpoint.size;
    out.proven.witnesses = std::move(checked.witnesses);
    out.checkpoint = std::move(checked.checkpoint);
  } else if (!o.consistency.empty()) {
    return Fail(where, "a consistency proof without a checkpoint");
  }
  // An export log has no witnesses but its link node, which counts it on
  // the exporter's signature alone (core::Node::CountedSize).
  const uint32_t quorum = bundle.policy.witness_quorum;
  out.witnessed = quorum == 0 || out.proven.witnesses.size() >= quorum ||
                  IsExportOrigin(f.origin);
  return out;
}

// Where slot `s` of an origin is, for messages: "<where> slots[s] (<reason>
// <kind>[, index <i>])".
std::string SlotWhere(const std::string& where, size_t s,
                      const SlotProof& slot) {
  return where + " slots[" + std::to_string(s) + "] (" + SlotName(s) +
         (slot.reg ? ", index " + std::to_string(slot.reg->index)
                   : std::string()) +
         ")";
}

// One register slot: it is the s-th (reason, kind), the state tree proves
// its key absent or holding the digest of the register the proof gives, and
// that register's entry is in the origin's log under its signed checkpoint.
// Returns the register if present, nullopt if the key is proven absent.
// REQUIRES: `state_root` is from a verified state head; `origin` passed
// CheckOriginLog for the frontier entry `f`.
Result<std::optional<state::Register>> CheckSlot(
    const Hash32& tag, const Hash32& state_root, const state::FrontierEntry& f,
    const CheckedOrigin& origin, size_t s, const SlotProof& slot,
    const std::string& at) {
  if (slot.reason != SlotReason(s) || slot.kind != SlotKind(s)) {
    return Fail(at, "the slot is labelled " +
                        std::string(ReasonName(slot.reason)) + " " +
                        std::string(KindName(slot.kind)) +
                        "; slots must be in (reason, kind) order");
  }
  const Hash32 key =
      state::RegisterKey(tag, f.origin, slot.reason, ActionOfKind(slot.kind));
  auto value = merkle::VerifyStateProof(state_root, key, slot.state_proof);
  if (!value.ok()) {
    return Fail(at, value.status().message() + " (the state root)");
  }
  if (!value->has_value()) {
    if (slot.reg) {
      return Fail(at,
                  "the state proof shows the key absent, but the proof "
                  "gives a register for it");
    }
    return std::optional<state::Register>();
  }
  if (!slot.reg) {
    return Fail(at,
                "the state tree holds a register here, but the proof "
                "gives none");
  }
  const ProvenRegister& r = *slot.reg;
  if (r.entry.tag != tag || r.entry.reason != slot.reason ||
      KindOf(r.entry.action) != slot.kind) {
    return Fail(at, "the register's entry is not for this tag and slot");
  }
  state::Register reg{f.origin, r.index, r.entry};
  if (state::RegisterDigest(reg) != **value) {
    return Fail(at,
                "the register does not hash to the value the state "
                "tree holds");
  }
  const std::optional<crypto::Checkpoint>& cp = origin.checkpoint;
  if (!cp) {
    return Fail(at, "no signed checkpoint of the origin covers it");
  }
  if (r.index >= cp->size) {
    return Fail(at, "entry index is beyond the signed checkpoint (size " +
                        std::to_string(cp->size) + ")");
  }
  const Hash32 leaf = merkle::LogLeafHash(EncodeEntry(r.entry));
  Status included =
      merkle::VerifyInclusion(r.index, cp->size, leaf, r.inclusion, cp->root);
  if (!included.ok()) {
    return Fail(at,
                "log inclusion proof does not lead to the checkpoint "
                "root (size " +
                    std::to_string(cp->size) + "): " + included.message());
  }
  return std::optional<state::Register>(std::move(reg));
}

// The registers the verdict weighs, and where each sits in
// ProofFindings::registers.
struct CountedRegisters {
  std::vector<state::Register> registers;
  std::vector<size_t> at;
};

// The register proofs of one origin: exactly kSlotsPerOrigin slots, each
// passing CheckSlot. Appends the present registers to `out.registers` (and
// the witnessed ones to `counted`) and counts the proven keys.
// REQUIRES: as CheckSlot; `out.head` is the verified state head.
Status CheckOriginRegisters(const Hash32& tag, const state::FrontierEntry& f,
                            const CheckedOrigin& origin,
                            const std::vector<SlotProof>& slots,
                            const std::string& where, ProofFindings& out,
                            CountedRegisters& counted) {
  if (slots.size() != kSlotsPerOrigin) {
    return Fail(where, std::to_string(slots.size()) + " slots, need " +
                           std::to_string(kSlotsPerOrigin));
  }
  for (size_t s = 0; s < slots.size(); ++s) {
    IMEISYNC_ASSIGN_OR_RETURN(
        std::optional<state::Register> reg,
        CheckSlot(tag, out.head.state_root, f, origin, s, slots[s],
                  SlotWhere(where, s, slots[s])));
    ++out.keys;
    if (!reg) continue;
    if (origin.witnessed) {
      counted.registers.push_back(*reg);
      counted.at.push_back(out.registers.size());
    }
    out.registers.push_back({*std::move(reg), origin.witnessed, false});
  }
  return Status::Ok();
}

// The verdict the counted registers and the bundle's policy give on the
// state head's day, with no local facts, as the prover's own checks decide
// it (core::DeviceChecks); marks the registers that decided it.
// REQUIRES: every register in `counted` passed CheckSlot and `out.head` is
// the verified state head.
Status DecideVerdict(const federation::Bundle& bundle,
                     const CountedRegisters& counted, ProofFindings& out) {
  if (counted.registers.size() >= 65536) {
    return InvalidArgument(
        "the proof holds more registers than a verdict "
        "can weigh");
  }
  // A link's node holds no registry, so registration does not count there.
  const std::string prover = ProverId(bundle, out.head);
  federation::Policy policy = bundle.policy;
  if (const federation::Member* m = bundle.FindMember(prover);
      m != nullptr && m->role == federation::Role::kForeign) {
    policy.registration_required = false;
  }
  const verdict::Decision d = verdict::Decide(
      policy, counted.registers, verdict::LocalFacts{},
      verdict::DayOf(out.head.time_ms), verdict::ImportRules(bundle, prover));
  out.verdict = d.verdict;
  out.rule = d.rule;
  for (uint16_t b : d.basis) out.registers[counted.at[b]].basis = true;
  return Status::Ok();
}

}  // namespace

Result<ProofFindings> CheckDeviceProof(const federation::Bundle& bundle,
                                       const DeviceProof& proof) {
  IMEISYNC_RETURN_IF_ERROR(CheckBundleVersion(bundle, proof));
  ProofFindings out;
  out.tag = proof.tag;
  IMEISYNC_ASSIGN_OR_RETURN(CheckedHead head,
                            CheckStateHead(bundle, proof.state_head));
  out.head = std::move(head.head);
  out.node_id = std::move(head.node_id);
  const std::vector<state::FrontierEntry>& frontier = out.head.frontier;
  if (proof.origins.size() != frontier.size()) {
    return InvalidArgument("the proof covers " +
                           std::to_string(proof.origins.size()) +
                           " origins, the state head's frontier has " +
                           std::to_string(frontier.size()));
  }
  CountedRegisters counted;
  for (size_t i = 0; i < frontier.size(); ++i) {
    const OriginProof& o = proof.origins[i];
    const state::FrontierEntry& f = frontier[i];
    const std::string where =
        "origins[" + std::to_string(i) + "] (" + f.origin + ")";
    IMEISYNC_ASSIGN_OR_RETURN(CheckedOrigin origin,
                              CheckOriginLog(bundle, o, f, where));
    IMEISYNC_RETURN_IF_ERROR(CheckOriginRegisters(proof.tag, f, origin, o.slots,
                                                  where, out, counted));
    out.origins.push_back(std::move(origin.proven));
  }
  IMEISYNC_RETURN_IF_ERROR(DecideVerdict(bundle, counted, out));
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

}  // namespace imeisync::node::proofs
