#include "node/merkle/state_node.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <string>

#include "node/merkle/state_hash.h"

namespace imeisync::node::merkle {

NibblePrefix NibblePrefix::Of(const Hash32& key, int depth) {
  assert(depth >= 0 && depth <= 64);
  NibblePrefix p;
  p.depth = depth;
  for (int i = 0; i < depth / 2; ++i) p.bytes[i] = key[i];
  if (depth % 2) p.bytes[depth / 2] = key[depth / 2] & 0xf0;
  return p;
}

NibblePrefix NibblePrefix::Child(int nibble) const {
  assert(depth < 64 && nibble >= 0 && nibble < 16);
  NibblePrefix p = *this;
  if (depth % 2 == 0) {
    p.bytes[depth / 2] = static_cast<uint8_t>(nibble << 4);
  } else {
    p.bytes[depth / 2] = static_cast<uint8_t>(p.bytes[depth / 2] | nibble);
  }
  ++p.depth;
  return p;
}

bool NibblePrefix::Covers(const Hash32& key) const {
  for (int i = 0; i < depth / 2; ++i) {
    if (key[i] != bytes[i]) return false;
  }
  return depth % 2 == 0 || (key[depth / 2] & 0xf0) == bytes[depth / 2];
}

Bytes NibblePrefix::NodeKey() const {
  assert(depth < 64);
  Bytes k(bytes.begin(), bytes.begin() + (depth + 1) / 2);
  k.push_back(static_cast<uint8_t>(depth));
  return k;
}

int StateNode::Count(int lo, int hi) const {
  int n = 0;
  for (int i = lo; i < hi; ++i) n += kind[i] != ChildKind::kEmpty;
  return n;
}

int StateNode::First(int lo, int hi) const {
  for (int i = lo; i < hi; ++i) {
    if (kind[i] != ChildKind::kEmpty) return i;
  }
  return -1;
}

Hash32 StateNode::RangeHash(int lo, int hi) const {
  int n = Count(lo, hi);
  if (n == 0) return kEmptyStateHash;
  if (hi - lo == 1) return hash[lo];
  if (n == 1) {
    int only = First(lo, hi);
    // A lone leaf collapses upward; a lone node does not (it holds two or
    // more leaves, so the binary levels above it are real).
    if (kind[only] == ChildKind::kLeaf) return hash[only];
  }
  int mid = (lo + hi) / 2;
  return StateNodeHash(RangeHash(lo, mid), RangeHash(mid, hi));
}

Bytes StateNode::Encode() const {
  uint16_t present = 0, leaves = 0;
  for (int i = 0; i < 16; ++i) {
    if (kind[i] != ChildKind::kEmpty)
      present |= static_cast<uint16_t>(1u << (15 - i));
    if (kind[i] == ChildKind::kLeaf)
      leaves |= static_cast<uint16_t>(1u << (15 - i));
  }
  Bytes out;
  out.reserve(4 + 32 * static_cast<size_t>(std::popcount(present)));
  out.push_back(static_cast<uint8_t>(present >> 8));
  out.push_back(static_cast<uint8_t>(present));
  out.push_back(static_cast<uint8_t>(leaves >> 8));
  out.push_back(static_cast<uint8_t>(leaves));
  for (int i = 0; i < 16; ++i) {
    if (kind[i] != ChildKind::kEmpty)
      out.insert(out.end(), hash[i].begin(), hash[i].end());
  }
  return out;
}

Result<StateNode> StateNode::Decode(ByteView bytes) {
  if (bytes.size() < 4) {
    return InvalidArgument("state node is " + std::to_string(bytes.size()) +
                           " bytes; at least 4 expected");
  }
  uint16_t present = static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
  uint16_t leaves = static_cast<uint16_t>(bytes[2] << 8 | bytes[3]);
  if ((leaves & ~present) != 0) {
    return InvalidArgument("state node marks an absent child as a leaf");
  }
  if (std::popcount(present) < 1)
    return InvalidArgument("state node has no children");
  size_t want = 4 + 32 * static_cast<size_t>(std::popcount(present));
  if (bytes.size() != want) {
    return InvalidArgument("state node is " + std::to_string(bytes.size()) +
                           " bytes; its bitmap needs " + std::to_string(want));
  }
  StateNode node;
  size_t at = 4;
  for (int i = 0; i < 16; ++i) {
    uint16_t bit = static_cast<uint16_t>(1u << (15 - i));
    if (!(present & bit)) continue;
    node.kind[i] = (leaves & bit) ? ChildKind::kLeaf : ChildKind::kInternal;
    std::copy_n(bytes.begin() + static_cast<ptrdiff_t>(at), 32,
                node.hash[i].begin());
    at += 32;
  }
  return node;
}

}  // namespace imeisync::node::merkle
