// What this node holds, as one consistent snapshot, and the signed state
// head over it (docs/formats.md "State head"): its frontier with each
// log's root, and the state root those logs fold to.
//
// Threads: every method may be called from any thread.
#ifndef IMEISYNC_NODE_CORE_STATE_HEADS_H_
#define IMEISYNC_NODE_CORE_STATE_HEADS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/note.h"
#include "node/core/storage.h"

namespace imeisync::node::core {

// One origin as this node holds it.
struct OriginState {
  std::string origin;
  replication::LogHead head;  // what is stored and folded
  std::string note;           // latest verified signed checkpoint (<= head)
  bool frozen = false;
};

// One consistent snapshot of what this node holds.
struct NodeSnapshot {
  std::vector<OriginState> origins;  // in origin order; in the state
  // This node's own export logs (docs/links.md), in origin order: outside
  // the state, the state head and every frontier but their link member's.
  std::vector<OriginState> exports;
  Hash32 state_root{};
  uint64_t registers = 0;
  std::string state_head_note;  // signed note over the two above, or ""
};

class StateHeads {
 public:
  // `storage` must outlive this. `signer` is named for this node's origin.
  StateHeads(Storage& storage, crypto::NoteSigner signer)
      : storage_(storage), signer_(std::move(signer)) {}

  // Everything held and the state root; with `sign_state_head`, also a
  // freshly signed state head (one Ed25519 signature), else it is empty.
  Result<NodeSnapshot> Snapshot(bool sign_state_head) const;
  // A freshly signed state head (the whole note) over the frontier and
  // state root that `txn` sees, timed now: for proofs read from that same
  // snapshot (node/proofs). Costs one Ed25519 signature.
  Result<std::string> SignStateHead(const store::Txn& txn) const;
  // True for an export log that this node keeps (and signs) itself.
  bool IsOwnExportLog(std::string_view origin) const;

 private:
  Storage& storage_;
  const crypto::NoteSigner signer_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_STATE_HEADS_H_
