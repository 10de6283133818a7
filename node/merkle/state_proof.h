// Inclusion and non-inclusion proofs of the state tree, and their verifier.
//
// A proof follows the key's bits from the root down to where the tree ends
// for that key: an empty subtree (the key is absent), the key's own leaf
// (present, with its value), or another key's collapsed leaf sharing the
// path (absent). It lists the sibling hash at each bit on the way.
// Encoding (docs/formats.md "State proof"):
//   proof    = %x01 depth(2) bitmap siblings terminal
//   bitmap   = ceil(depth / 8) bytes; bit i set: sibling i is not empty
//   terminal = %x00 / %x01 key(32) value(32)
#ifndef IMEISYNC_NODE_MERKLE_STATE_PROOF_H_
#define IMEISYNC_NODE_MERKLE_STATE_PROOF_H_

#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/state_hash.h"

namespace imeisync::node::merkle {

struct StateProof {
  // siblings[i] is the hash of the other half at key bit i; the path is
  // siblings.size() bits deep (at most 256). kEmptyStateHash for empty.
  std::vector<Hash32> siblings;
  // The leaf where the path ends, or nullopt for an empty subtree.
  std::optional<StatePair> leaf;

  Bytes Encode() const;
  // Strict: InvalidArgument on trailing bytes, a short buffer, an unknown
  // version or terminal, depth > 256, or nonzero bitmap padding.
  static Result<StateProof> Decode(ByteView bytes);
};

// Checks `proof` for `key` against `root`. Returns the key's value digest
// if the proof shows it present, nullopt if it shows it absent, and
// InvalidArgument (saying why) if the proof is malformed or does not lead
// to `root`.
Result<std::optional<Hash32>> VerifyStateProof(const Hash32& root,
                                               const Hash32& key,
                                               const StateProof& proof);

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_STATE_PROOF_H_
