// Where the state tree keeps its records: the nodes each version wrote, the
// root of each retained version, the latest version, and the nodes each
// version made stale. StateTree (state_tree.h) reads and writes only through
// this interface; the LMDB backend and its key grammar are in node/state
// (docs/formats.md "State storage"), an in-memory one in memory_state_store.h.
//
// Caveats:
// - All calls on one store instance belong to one transaction of its
//   backend: a batch of changes commits, or is discarded, together, and
//   one instance is used by one thread at a time.
// - A ByteView returned by a read is valid only until the next call on the
//   same store that writes or deletes, and never longer than the store.
// - NotFound from a read means only "no such record"; every other error is
//   the backend's (DataLoss for a malformed record, Internal, ...).
// - A store keeps value bytes as given: node records are StateNode::Encode()
//   and roots EncodeStateRoot() (state_node.h); the tree decodes them.
#ifndef IMEISYNC_NODE_MERKLE_STATE_NODE_STORE_H_
#define IMEISYNC_NODE_MERKLE_STATE_NODE_STORE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/state_node.h"

namespace imeisync::node::merkle {

// A stored node's identity: the version that wrote it and its prefix.
struct StateNodeId {
  uint64_t version = 0;
  NibblePrefix prefix;

  friend bool operator==(const StateNodeId&, const StateNodeId&) = default;
};

// A node a new version writes: its prefix and StateNode::Encode() bytes.
struct StateNodeRecord {
  NibblePrefix prefix;
  Bytes value;
};

// The nodes that `version` replaced, in the order the update listed them.
struct StaleList {
  uint64_t version = 0;
  std::vector<StateNodeId> nodes;

  friend bool operator==(const StaleList&, const StaleList&) = default;
};

class StateNodeStore {
 public:
  virtual ~StateNodeStore() = default;

  // --- Reads.

  // The latest version last set by SetVersion(); 0 if it never was.
  virtual Result<uint64_t> Version() const = 0;
  // The root record of `version`. NotFound if none is stored (never
  // written, or pruned).
  virtual Result<ByteView> Root(uint64_t version) const = 0;
  // The node record that `version` wrote at `prefix`. NotFound if none.
  virtual Result<ByteView> Node(uint64_t version,
                                const NibblePrefix& prefix) const = 0;
  // The stale list of the lowest version >= `from` that has one, or
  // nullopt if none does. The list is a copy.
  virtual Result<std::optional<StaleList>> NextStale(uint64_t from) const = 0;
  // The versions below `below` that have a root, lowest first, at most
  // `limit` of them.
  virtual Result<std::vector<uint64_t>> RootVersions(uint64_t below,
                                                     uint64_t limit) const = 0;

  // --- Writes. FailedPrecondition on a store opened for reading only.

  // Stores the new nodes of `version`, replacing none.
  // REQUIRES: every stored node has a lower version, and `nodes` has
  // distinct prefixes of depth < 64. InvalidArgument when a store detects a
  // violation (the LMDB store: when a key would not sort last).
  virtual Status PutNodes(uint64_t version,
                          std::span<const StateNodeRecord> nodes) = 0;
  // Removes the listed nodes; OK for ones already absent.
  virtual Status DeleteNodes(std::span<const StateNodeId> nodes) = 0;
  // Stores (or replaces) the root record of `version`.
  virtual Status PutRoot(uint64_t version, ByteView root) = 0;
  // Removes the root of `version`; OK if absent.
  virtual Status DeleteRoot(uint64_t version) = 0;
  // Stores (or replaces) the stale list of `version`.
  // REQUIRES: every listed prefix has depth < 64.
  virtual Status PutStale(uint64_t version,
                          std::span<const StateNodeId> nodes) = 0;
  // Removes the stale list of `version`; OK if absent.
  virtual Status DeleteStale(uint64_t version) = 0;
  // Makes `version` the latest.
  virtual Status SetVersion(uint64_t version) = 0;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_NODE_STORE_H_
