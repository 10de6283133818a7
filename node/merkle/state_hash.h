// Hashing of the state tree, a binary Merkle trie over 256-bit keys in which
// every subtree holding a single leaf is collapsed into that leaf:
//
//   H(empty subtree)      = kEmptyStateHash (32 zero bytes)
//   H(one leaf (k, v))    = SHA-256(0x00 || k || v)
//   H(two or more leaves) = SHA-256(0x01 || H(left half) || H(right half))
//
// where the halves split on the next key bit (most significant first). The
// root is therefore a function of the key -> value set alone.
#ifndef IMEISYNC_NODE_MERKLE_STATE_HASH_H_
#define IMEISYNC_NODE_MERKLE_STATE_HASH_H_

#include <utility>
#include <vector>

#include "base/bytes.h"
#include "crypto/sha256.h"

namespace imeisync::node::merkle {

// The hash of an empty subtree, and the root of an empty state tree.
inline constexpr Hash32 kEmptyStateHash{};

inline Hash32 StateLeafHash(const Hash32& key, const Hash32& value) {
  return crypto::Sha256Prefixed(0x00, key, value);
}

inline Hash32 StateNodeHash(const Hash32& left, const Hash32& right) {
  return crypto::Sha256Prefixed(0x01, left, right);
}

// Bit `i` (0 = most significant bit of byte 0) of a key.
inline int KeyBit(const Hash32& key, int i) {
  return (key[i / 8] >> (7 - i % 8)) & 1;
}
// Nibble `i` (0 = high nibble of byte 0) of a key.
inline int KeyNibble(const Hash32& key, int i) {
  return i % 2 == 0 ? key[i / 2] >> 4 : key[i / 2] & 0x0f;
}

using StatePair = std::pair<Hash32, Hash32>;  // key, value digest

// The root of the set `pairs` by the definition above, computed directly.
// REQUIRES: pairs sorted by key, keys distinct. Used by `imeisync merkle
// state-root` and as the reference the stored tree is tested against.
Hash32 ComputeStateRoot(const std::vector<StatePair>& pairs);

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_HASH_H_
