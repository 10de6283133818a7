#include "node/proofs/prover.h"

#include <map>
#include <tuple>

#include "base/hex.h"
#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "node/proofs/proof_verifier.h"
#include "node/replication/origin_logs.h"

namespace imeisync::node::proofs {
namespace {

using SlotKey = std::tuple<std::string, Reason, RegisterKind>;

// One origin's checkpoint and consistency proof, read in `txn`.
Status FillCheckpoint(const store::Txn& txn,
                      const replication::OriginLogs& logs,
                      const state::FrontierEntry& f, OriginProof& o,
                      uint64_t& checkpoint_size) {
  checkpoint_size = 0;
  auto note = logs.CheckpointNote(txn, f.origin);
  if (!note.ok()) {
    return note.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                         : note.status();
  }
  o.checkpoint = *std::move(note);
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note parsed,
                            crypto::ParseNote(o.checkpoint));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Checkpoint cp,
                            crypto::ParseCheckpointText(parsed.text));
  checkpoint_size = cp.size;
  if (cp.size > 0 && cp.size < f.size) {
    IMEISYNC_ASSIGN_OR_RETURN(
        o.consistency, logs.ConsistencyProof(txn, f.origin, cp.size, f.size));
  }
  return Status::Ok();
}

}  // namespace

Result<DeviceProof> BuildDeviceProof(core::Node& node, const Hash32& tag) {
  const auto bundle = node.bundles().Current();
  DeviceProof proof;
  proof.tag = tag;
  proof.bundle_version = bundle->bundle.version;
  store::Env& env = node.storage().env();
  IMEISYNC_ASSIGN_OR_RETURN(replication::OriginLogs logs,
                            replication::OriginLogs::Open(env));
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env.BeginRead());
    IMEISYNC_ASSIGN_OR_RETURN(proof.state_head,
                              node.state_heads().SignStateHead(txn));
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Note head_note,
                              crypto::ParseNote(proof.state_head));
    IMEISYNC_ASSIGN_OR_RETURN(state::StateHead head,
                              state::ParseStateHeadText(head_note.text));
    IMEISYNC_ASSIGN_OR_RETURN(std::vector<state::Register> registers,
                              node.storage().fold().RegistersOf(txn, tag));
    std::map<SlotKey, const state::Register*> by_slot;
    for (const state::Register& r : registers) {
      by_slot[{r.origin, r.entry.reason, KindOf(r.entry.action)}] = &r;
    }
    for (const state::FrontierEntry& f : head.frontier) {
      OriginProof o;
      o.origin = f.origin;
      uint64_t signed_size = 0;
      IMEISYNC_RETURN_IF_ERROR(FillCheckpoint(txn, logs, f, o, signed_size));
      for (size_t s = 0; s < kSlotsPerOrigin; ++s) {
        SlotProof slot;
        slot.reason = SlotReason(s);
        slot.kind = SlotKind(s);
        const Hash32 key = state::RegisterKey(tag, f.origin, slot.reason,
                                              ActionOfKind(slot.kind));
        IMEISYNC_ASSIGN_OR_RETURN(slot.state_proof,
                                  node.storage().fold().tree().Prove(txn, key));
        auto it = by_slot.find({f.origin, slot.reason, slot.kind});
        if (it != by_slot.end()) {
          const state::Register& r = *it->second;
          if (r.index >= signed_size) {
            return Unavailable(
                "entry " + std::to_string(r.index) + " of " + f.origin +
                " (a register of this device) is not yet covered by a "
                "signed checkpoint (size " +
                std::to_string(signed_size) + "); try again shortly");
          }
          ProvenRegister reg{r.index, r.entry, {}};
          IMEISYNC_ASSIGN_OR_RETURN(
              reg.inclusion,
              logs.InclusionProof(txn, f.origin, r.index, signed_size));
          slot.reg = std::move(reg);
        }
        o.slots.push_back(std::move(slot));
      }
      proof.origins.push_back(std::move(o));
    }
  }
  // The node's own check: a proof it cannot verify is never handed out, and
  // the verdict it claims is the one a verifier will recompute.
  auto found = CheckDeviceProof(bundle->bundle, proof);
  if (!found.ok()) {
    return Internal("the proof for tag " + HexEncode(tag) +
                    " does not verify against this node's bundle: " +
                    found.status().message());
  }
  proof.verdict = found->verdict;
  proof.rule = found->rule;
  return proof;
}

}  // namespace imeisync::node::proofs
