// Making a device proof on a node: one LMDB read snapshot, a state head
// signed over that same snapshot, and every proof read from it.
#ifndef IMEISYNC_NODE_PROOFS_PROVER_H_
#define IMEISYNC_NODE_PROOFS_PROVER_H_

#include "base/bytes.h"
#include "base/status.h"
#include "node/proofs/device_proof.h"
#include "node/core/node.h"

namespace imeisync::node::proofs {

// The proof of everything `node` holds about `tag`, with a freshly signed
// state head (one Ed25519 signature). Before returning, the proof is
// checked with VerifyDeviceProof against the node's bundle, which also
// gives the verdict it claims.
// Unavailable if a register of the tag comes from an entry that no signed
// checkpoint the node holds covers yet (the node's own entries in the
// ~200 ms before the checkpointer signs them, or a range being pulled):
// such a proof could not be verified, so try again shortly.
Result<DeviceProof> BuildDeviceProof(core::Node& node, const Hash32& tag);

}  // namespace imeisync::node::proofs

#endif  // IMEISYNC_NODE_PROOFS_PROVER_H_
