// Checking a device proof offline, with nothing but the federation bundle:
// the state head's signature by the node it names, each origin's checkpoint
// signature and witness cosignatures, the consistency of each checkpoint
// with the state head's frontier, the state-tree proof of every register
// slot the device can have, and the log inclusion proof of every register
// present. Then the verdict those registers and the bundle's policy give,
// with no local facts, on the state head's day (docs/audit.md "Device
// proofs").
#ifndef IMEISYNC_NODE_PROOFS_PROOF_VERIFIER_H_
#define IMEISYNC_NODE_PROOFS_PROOF_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "node/federation/bundle.h"
#include "node/proofs/device_proof.h"
#include "node/state/state_fold.h"
#include "node/state/state_head.h"
#include "node/verdict/verdict.h"

namespace imeisync::node::proofs {

struct ProvenOrigin {
  std::string origin;
  uint64_t size = 0;             // in the state head
  uint64_t checkpoint_size = 0;  // of its signed checkpoint; 0 if none
  // Members other than the origin whose cosignatures on the checkpoint
  // verify, in the order they appear.
  std::vector<std::string> witnesses;
};

struct FoundRegister {
  state::Register reg;
  // Counts for the verdict: the policy's witness_quorum is 0, or the
  // checkpoint covering the entry has that many witnesses.
  bool witnessed = true;
  bool basis = false;  // one of the blocks that decided the verdict
};

// What a valid proof shows.
struct ProofFindings {
  Hash32 tag{};
  state::StateHead head;
  std::string node_id;  // the member that signed the state head
  std::vector<ProvenOrigin> origins;
  size_t keys = 0;  // register keys proven present or absent
  std::vector<FoundRegister> registers;  // the present ones, in proof order
  verdict::Verdict verdict = verdict::Verdict::kWhitelisted;
  verdict::Rule rule = verdict::Rule::kNothingAgainst;
};

// Checks everything in `proof` except its claimed verdict, against
// `bundle` (whose own signature the caller has verified), and returns what
// it shows. InvalidArgument saying what failed and where ("origins[1]
// (imeisync/kz/op1) slots[0] (STOLEN statement, index 7): log inclusion
// proof does not lead to the checkpoint root") for any signature, hash or
// proof that does not check out, a slot missing or out of order, or a
// bundle version other than the proof's.
Result<ProofFindings> CheckDeviceProof(const federation::Bundle& bundle,
                                       const DeviceProof& proof);

// CheckDeviceProof, and the proof's claimed verdict and rule must be the
// ones recomputed (InvalidArgument otherwise).
Result<ProofFindings> VerifyDeviceProof(const federation::Bundle& bundle,
                                        const DeviceProof& proof);

}  // namespace imeisync::node::proofs

#endif  // IMEISYNC_NODE_PROOFS_PROOF_VERIFIER_H_
