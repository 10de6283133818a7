// The compact range [0, size) of a log: the roots of the perfect subtrees
// that its size decomposes into, largest (leftmost) first; one hash per set
// bit of size. Enough to append leaves and compute the root without the old
// leaves, which is how a replica checks a new checkpoint.
#ifndef IMEISYNC_NODE_MERKLE_COMPACT_RANGE_H_
#define IMEISYNC_NODE_MERKLE_COMPACT_RANGE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node::merkle {

class CompactRange {
 public:
  // The empty range.
  CompactRange() = default;
  // InvalidArgument unless hashes.size() == popcount(size).
  static Result<CompactRange> FromHashes(uint64_t size,
                                         std::vector<Hash32> hashes);

  uint64_t size() const { return size_; }
  const std::vector<Hash32>& hashes() const { return hashes_; }

  // Called once for every perfect subtree completed by an append, with its
  // level (0 = leaf) and index within that level, in post-order.
  using NodeVisitor =
      std::function<void(int level, uint64_t index, const Hash32&)>;

  // Appends one leaf hash. REQUIRES: size() < 2^63.
  void Append(const Hash32& leaf_hash, const NodeVisitor& visit = nullptr);

  // The RFC 9162 root of the range: EmptyLogRoot() when empty.
  Hash32 Root() const;

  // Serialised as size (8 bytes BE) then the hashes.
  Bytes Encode() const;
  // InvalidArgument on a wrong length or hash count.
  static Result<CompactRange> Decode(ByteView bytes);

  friend bool operator==(const CompactRange&, const CompactRange&) = default;

 private:
  uint64_t size_ = 0;
  std::vector<Hash32> hashes_;
};

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_COMPACT_RANGE_H_
