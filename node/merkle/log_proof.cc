#include "node/merkle/log_proof.h"

#include <string>

#include "node/merkle/log_hash.h"

namespace imeisync::node::merkle {
namespace {

std::string N(uint64_t v) { return std::to_string(v); }

}  // namespace

Result<Hash32> RootFromInclusionProof(uint64_t index, uint64_t size,
                                      const Hash32& leaf_hash,
                                      std::span<const Hash32> proof) {
  if (index >= size) {
    return InvalidArgument("inclusion proof: index " + N(index) +
                           " is not below size " + N(size));
  }
  // RFC 9162 section 2.1.3.2, steps 2-5.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash32 r = leaf_hash;
  for (size_t i = 0; i < proof.size(); ++i) {
    if (sn == 0) {
      return InvalidArgument("inclusion proof has " + N(proof.size()) +
                             " elements; index " + N(index) + " in size " +
                             N(size) + " needs " + N(i));
    }
    if ((fn & 1) || fn == sn) {
      r = LogNodeHash(proof[i], r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = LogNodeHash(r, proof[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgument("inclusion proof has " + N(proof.size()) +
                           " elements; too few for index " + N(index) +
                           " in size " + N(size));
  }
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash32& leaf_hash,
                       std::span<const Hash32> proof, const Hash32& root) {
  IMEISYNC_ASSIGN_OR_RETURN(
      Hash32 r, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (r != root) {
    return InvalidArgument("inclusion proof does not lead to the root: leaf " +
                           N(index) + " of size " + N(size));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash32& root1,
                         const Hash32& root2, std::span<const Hash32> proof) {
  if (size1 == 0) {
    return InvalidArgument(
        "consistency proof: size1 is 0; every tree extends "
        "the empty tree, so there is nothing to prove");
  }
  if (size1 > size2) {
    return InvalidArgument("consistency proof: size1 " + N(size1) +
                           " is larger than size2 " + N(size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return InvalidArgument(
          "consistency proof between equal sizes must be "
          "empty, got " +
          N(proof.size()) + " elements");
    }
    if (root1 != root2) {
      return InvalidArgument("roots differ at the same size " + N(size1));
    }
    return Status::Ok();
  }
  if (proof.empty()) {
    return InvalidArgument("consistency proof from " + N(size1) + " to " +
                           N(size2) + " is empty");
  }
  // RFC 9162 section 2.1.4.2. Step 2: a power-of-two size1 is a complete
  // subtree, whose root the proof omits.
  bool pow2 = (size1 & (size1 - 1)) == 0;
  size_t i = 0;
  Hash32 first = pow2 ? root1 : proof[i++];
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = first;
  Hash32 sr = first;
  for (; i < proof.size(); ++i) {
    const Hash32& c = proof[i];
    if (sn == 0) {
      return InvalidArgument("consistency proof from " + N(size1) + " to " +
                             N(size2) + " has too many elements (" +
                             N(proof.size()) + ")");
    }
    if ((fn & 1) || fn == sn) {
      fr = LogNodeHash(c, fr);
      sr = LogNodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = LogNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgument("consistency proof from " + N(size1) + " to " +
                           N(size2) + " has too few elements (" +
                           N(proof.size()) + ")");
  }
  if (fr != root1) {
    return InvalidArgument("consistency proof does not lead to root1 of size " +
                           N(size1));
  }
  if (sr != root2) {
    return InvalidArgument("consistency proof does not lead to root2 of size " +
                           N(size2));
  }
  return Status::Ok();
}

}  // namespace imeisync::node::merkle
