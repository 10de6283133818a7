// Verification of RFC 9162 inclusion and consistency proofs, exactly as
// RFC 9162 sections 2.1.3.2 and 2.1.4.2 describe. Only hashes in, a Status
// out: InvalidArgument names the rule a bad proof breaks.
#ifndef IMEISYNC_NODE_MERKLE_LOG_PROOF_H_
#define IMEISYNC_NODE_MERKLE_LOG_PROOF_H_

#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node::merkle {

// OK iff `proof` shows that `leaf_hash` is leaf `index` of the tree of
// `size` leaves whose root is `root`.
// Requires 0 <= index < size; otherwise InvalidArgument. A proof with an
// element too many or too few, or any element changed, is InvalidArgument.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash32& leaf_hash,
                       std::span<const Hash32> proof, const Hash32& root);

// The root that `proof` implies for leaf `index` of a tree of `size`, or
// InvalidArgument if the proof has the wrong number of elements.
Result<Hash32> RootFromInclusionProof(uint64_t index, uint64_t size,
                                      const Hash32& leaf_hash,
                                      std::span<const Hash32> proof);

// OK iff `proof` shows that the tree of `size1` leaves with root `root1` is
// a prefix of the tree of `size2` leaves with root `root2`.
// Requires 0 < size1 <= size2. size1 == size2 is valid only with an empty
// proof and equal roots.
Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash32& root1,
                         const Hash32& root2, std::span<const Hash32> proof);

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_LOG_PROOF_H_
