#include "node/merkle/compact_range.h"

#include <bit>
#include <cassert>

#include "base/big_endian.h"
#include "node/merkle/log_hash.h"

namespace imeisync::node::merkle {

Hash32 EmptyLogRoot() {
  static const Hash32 root = crypto::Sha256({});
  return root;
}

Result<CompactRange> CompactRange::FromHashes(uint64_t size,
                                              std::vector<Hash32> hashes) {
  if (hashes.size() != static_cast<size_t>(std::popcount(size))) {
    return InvalidArgument("compact range of size " + std::to_string(size) +
                           " needs " + std::to_string(std::popcount(size)) +
                           " hashes, got " + std::to_string(hashes.size()));
  }
  CompactRange r;
  r.size_ = size;
  r.hashes_ = std::move(hashes);
  return r;
}

void CompactRange::Append(const Hash32& leaf_hash, const NodeVisitor& visit) {
  assert(size_ < (uint64_t{1} << 63));
  Hash32 h = leaf_hash;
  uint64_t index = size_;
  if (visit) visit(0, index, h);
  // Each trailing one bit of the old size is a perfect subtree of the same
  // height as the one just completed: merge them.
  int level = 0;
  for (uint64_t s = size_; s & 1; s >>= 1) {
    h = LogNodeHash(hashes_.back(), h);
    hashes_.pop_back();
    ++level;
    index >>= 1;
    if (visit) visit(level, index, h);
  }
  hashes_.push_back(h);
  ++size_;
}

Hash32 CompactRange::Root() const {
  if (hashes_.empty()) return EmptyLogRoot();
  Hash32 h = hashes_.back();
  for (size_t i = hashes_.size() - 1; i-- > 0;) h = LogNodeHash(hashes_[i], h);
  return h;
}

Bytes CompactRange::Encode() const {
  Bytes out(8 + 32 * hashes_.size());
  StoreU64(out.data(), size_);
  for (size_t i = 0; i < hashes_.size(); ++i) {
    std::copy(hashes_[i].begin(), hashes_[i].end(), out.begin() + 8 + 32 * i);
  }
  return out;
}

Result<CompactRange> CompactRange::Decode(ByteView bytes) {
  if (bytes.size() < 8 || (bytes.size() - 8) % 32 != 0) {
    return InvalidArgument("compact range of " + std::to_string(bytes.size()) +
                           " bytes is not 8 + 32k");
  }
  const uint64_t size = LoadU64(bytes);
  std::vector<Hash32> hashes((bytes.size() - 8) / 32);
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::copy_n(bytes.begin() + 8 + 32 * i, 32, hashes[i].begin());
  }
  return FromHashes(size, std::move(hashes));
}

}  // namespace imeisync::node::merkle
