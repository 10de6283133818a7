// The signed notes of a device proof, checked against the federation
// bundle: the state head, signed by the node it names, and each origin's
// checkpoint, signed by its origin and cosigned by witnesses (docs/audit.md
// "Device proofs"). Internal to node/proofs.
#ifndef IMEISYNC_NODE_PROOFS_SIGNED_NOTES_H_
#define IMEISYNC_NODE_PROOFS_SIGNED_NOTES_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/checkpoint.h"
#include "node/federation/bundle.h"
#include "node/state/state_head.h"

namespace imeisync::node::proofs {

// The error every proof check returns: InvalidArgument "<context>: <what>",
// where `context` says what failed and where ("origins[1] (...) checkpoint").
inline Status Fail(const std::string& context, const std::string& what) {
  return InvalidArgument(context + ": " + what);
}

struct CheckedHead {
  state::StateHead head;
  std::string node_id;  // the bundle member that signed it
};

// The state head note `text`: it parses, has exactly one signature, and
// that signature is by the node its first line names, with the key
// `bundle` lists for it. Returns InvalidArgument "state head: ..." saying
// what failed.
Result<CheckedHead> CheckStateHead(const federation::Bundle& bundle,
                                   const std::string& text);

struct CheckedCheckpoint {
  crypto::Checkpoint checkpoint;
  // Members other than the origin's whose cosignatures verify, once each,
  // in the order they appear.
  std::vector<std::string> witnesses;
};

// The checkpoint note `text` of `origin`: it is a checkpoint of `origin`,
// its origin's signature verifies, and every other signature is a
// cosignature by a bundle member that verifies (the node keeps only those,
// so anything else was changed on the way). Returns InvalidArgument
// "<where>: ..." saying what failed.
Result<CheckedCheckpoint> CheckCheckpoint(const federation::Bundle& bundle,
                                          const std::string& origin,
                                          const std::string& text,
                                          const std::string& where);

}  // namespace imeisync::node::proofs

#endif  // IMEISYNC_NODE_PROOFS_SIGNED_NOTES_H_
