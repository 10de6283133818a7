// The stored form of the state tree: 16-ary nodes on key nibbles.
//
// A node exists at nibble prefix P exactly when the subtree under P holds
// two or more leaves. Each of its 16 children is empty, a single collapsed
// leaf, or another node. The node's hash is the binary state hash
// (state_hash.h) of its children, so the 16-ary storage and the binary
// hashing agree: fewer, larger database values, and small proofs.
#ifndef IMEISYNC_NODE_MERKLE_STATE_NODE_H_
#define IMEISYNC_NODE_MERKLE_STATE_NODE_H_

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"

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
  // ceil(depth/2) prefix bytes || depth(1): the node's database key.
  // Ordered by path, a node's record sits beside its leaves' records.
  // REQUIRES: depth < 64.
  Bytes NodeKey() const;
};

struct StateNode {
  std::array<ChildKind, 16> kind{};
  // The leaf hash of a leaf child, the node hash of an internal child.
  std::array<Hash32, 16> hash{};

  // Binary state hash of slots [lo, hi). REQUIRES: hi - lo is a power of two
  // and lo a multiple of it.
  Hash32 RangeHash(int lo, int hi) const;
  Hash32 Hash() const { return RangeHash(0, 16); }
  // Non-empty children in [lo, hi), and the first of them (or -1).
  int Count(int lo, int hi) const;
  int First(int lo, int hi) const;

  // present(2) leaf(2) then the hash of each present child in slot order.
  Bytes Encode() const;
  // Strict: InvalidArgument on a wrong length, a leaf bit without a
  // present bit, or fewer than one child.
  static Result<StateNode> Decode(ByteView bytes);
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_NODE_H_
