// One federation member's node without the network (docs/design.md "Map"):
// the owner of its parts, each given only what it uses.
//
//   bundles()     the signed federation bundle and what it says of origins
//   tags()        where device tags come from
//   own_log()     submit to this node's own log; sign its checkpoints
//   replicator()  verify another origin's checkpoint; apply and fold
//   witnessing()  cosign what is applied; count witnessed entries
//   state_heads() snapshots of what is held, and signed state heads
//   reads()       logs, proofs, evidence and the state tree as peers read them
//   storage()     the LMDB environment and its typed views, for parts
//                 built beside the node (device checks, the exporter, the
//                 OPRF service, proofs)
//
// The rpc layer (node/rpc) hands each service the parts it needs; nothing
// here knows about protobuf or gRPC.
//
// Threads: every part may be used from any thread. Writes are serialised
// by the LMDB writer lock; each applied batch (entries, log tree,
// checkpoint, registers, state tree) is one write transaction, so a crash
// leaves the node at its last commit with nothing half applied.
#ifndef IMEISYNC_NODE_CORE_NODE_H_
#define IMEISYNC_NODE_CORE_NODE_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "crypto/cosignature.h"
#include "crypto/ed25519.h"
#include "crypto/note.h"
#include "node/core/bundle_holder.h"
#include "node/core/node_tags.h"
#include "node/core/own_log.h"
#include "node/core/replicator.h"
#include "node/core/state_heads.h"
#include "node/core/storage.h"
#include "node/core/store_reads.h"
#include "node/core/witnessing.h"
#include "node/federation/node_config.h"

namespace imeisync::node::core {

class Node {
 public:
  // Opens the node described by `config`: loads and checks the bundle and
  // its signature (BundleHolder::Load), the signing key (it must be the
  // one the bundle lists for this node), the salt or OPRF key, and opens
  // the LMDB environment. Errors from the loaders name the file.
  static Result<std::unique_ptr<Node>> Open(
      const federation::NodeConfig& config);

  const federation::NodeConfig& config() const { return config_; }
  const std::string& id() const { return config_.id; }
  // This node's log's origin name, "imeisync/<federation>/<id>".
  const std::string& origin() const { return origin_; }
  // Another handle on this node's signing key, for signing logs it keeps
  // under other origin names (its export logs).
  crypto::Ed25519PrivateKey SigningKey() const { return key_.Share(); }

  BundleHolder& bundles() { return *bundles_; }
  const BundleHolder& bundles() const { return *bundles_; }
  NodeTags& tags() { return tags_; }
  const NodeTags& tags() const { return tags_; }
  OwnLog& own_log() { return *own_log_; }
  Replicator& replicator() { return *replicator_; }
  Witnessing& witnessing() { return *witnessing_; }
  const StateHeads& state_heads() const { return *state_heads_; }
  const StoreReads& reads() const { return reads_; }
  Storage& storage() { return *storage_; }

 private:
  // This node's key under its origin name, once per part that signs.
  struct Signers {
    crypto::NoteSigner log;
    crypto::NoteSigner state_head;
    crypto::Cosigner witness;
  };
  Node(federation::NodeConfig config, std::string origin,
       crypto::Ed25519PrivateKey key, std::unique_ptr<BundleHolder> bundles,
       std::unique_ptr<Storage> storage, Signers signers);

  const federation::NodeConfig config_;
  const std::string origin_;
  const crypto::Ed25519PrivateKey key_;
  // Declared in the order they are built: each part refers only to parts
  // above it.
  std::unique_ptr<BundleHolder> bundles_;
  std::unique_ptr<Storage> storage_;
  NodeTags tags_;
  StoreReads reads_;
  std::unique_ptr<Witnessing> witnessing_;
  std::unique_ptr<Replicator> replicator_;
  std::unique_ptr<OwnLog> own_log_;
  std::unique_ptr<StateHeads> state_heads_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_NODE_H_
