// RFC 9162 (RFC 6962) Merkle tree hashing for origin logs.
//
//   leaf-hash  = SHA-256(0x00 || leaf-data)
//   node-hash  = SHA-256(0x01 || left || right)
//   empty root = SHA-256("")
#ifndef IMEISYNC_NODE_MERKLE_LOG_HASH_H_
#define IMEISYNC_NODE_MERKLE_LOG_HASH_H_

#include "base/bytes.h"
#include "crypto/sha256.h"

namespace imeisync::node::merkle {

inline Hash32 LogLeafHash(ByteView leaf_data) {
  return crypto::Sha256Prefixed(0x00, leaf_data);
}

inline Hash32 LogNodeHash(const Hash32& left, const Hash32& right) {
  return crypto::Sha256Prefixed(0x01, left, right);
}

// SHA-256 of the empty string: the root of a log of size 0.
Hash32 EmptyLogRoot();

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_LOG_HASH_H_
