// The stored form of the state tree: versioned 16-ary nodes on key nibbles.
//
// A node exists at nibble prefix P exactly when the subtree under P holds
// two or more pairs. Each of its 16 children is empty, a single collapsed
// pair (stored inline), or another node (its hash and the version that
// wrote it). The node's hash is the binary state hash (state_hash.h) of its
// children, so the 16-ary storage and the binary hashing agree: few, larger
// database records, and small proofs.
#ifndef IMEISYNC_NODE_MERKLE_STATE_NODE_H_
#define IMEISYNC_NODE_MERKLE_STATE_NODE_H_

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/state_hash.h"

namespace imeisync::node::merkle {

enum class ChildKind : uint8_t { kEmpty = 0, kLeaf = 1, kInternal = 2 };

// The first `depth` nibbles of a key; the rest of `bytes` is zero.
struct NibblePrefix {
  Hash32 bytes{};
  int depth = 0;  // 0..64

  // The first `depth` nibbles of `key`.
  static NibblePrefix Of(const Hash32& key, int depth);
  // This prefix extended by one nibble. REQUIRES: depth < 64, nibble < 16.
  NibblePrefix Child(int nibble) const;
  // True if `key` starts with this prefix.
  bool Covers(const Hash32& key) const;

  friend bool operator==(const NibblePrefix&, const NibblePrefix&) = default;
};

// One child slot of a node, or the root of a version.
struct StateChild {
  ChildKind kind = ChildKind::kEmpty;
  Hash32 hash = kEmptyStateHash;  // the subtree's state hash
  uint64_t version = 0;           // kInternal: the version that wrote the node
  StatePair leaf{};               // kLeaf: the pair

  static StateChild Leaf(const StatePair& pair);
  static StateChild Node(const Hash32& hash, uint64_t version);
};

struct StateNode {
  std::array<StateChild, 16> child{};

  // Binary state hash of slots [lo, hi). REQUIRES: hi - lo is a power of two
  // and lo a multiple of it.
  Hash32 RangeHash(int lo, int hi) const;
  Hash32 Hash() const { return RangeHash(0, 16); }
  // Non-empty children in [lo, hi), and the first of them (or -1).
  int Count(int lo, int hi) const;
  int First(int lo, int hi) const;

  // present(2) leafmask(2), then per present child in nibble order:
  // key(32) value(32) for a pair, hash(32) version(8) for a node.
  Bytes Encode() const;
  // Strict: InvalidArgument on a wrong length, a leaf bit without a
  // present bit, or no children. Computes the pairs' hashes.
  static Result<StateNode> Decode(ByteView bytes);
};

// Encoding of a version's root: kind(1), then key(32) value(32) for a pair
// or hash(32) version(8) for a node.
Bytes EncodeStateRoot(const StateChild& root);
Result<StateChild> DecodeStateRoot(ByteView bytes);

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_NODE_H_
