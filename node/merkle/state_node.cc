#include "node/merkle/state_node.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <string>

#include "base/big_endian.h"

namespace imeisync::node::merkle {
namespace {

Hash32 Get32(ByteView b) {
  Hash32 h;
  std::copy_n(b.begin(), 32, h.begin());
  return h;
}

void Append(Bytes& out, const Hash32& h) {
  out.insert(out.end(), h.begin(), h.end());
}

// A child as both the node and the root encodings carry it: key(32)
// value(32) for a pair, hash(32) version(8) for a node, nothing if empty.
void AppendChild(Bytes& out, const StateChild& c) {
  if (c.kind == ChildKind::kLeaf) {
    Append(out, c.leaf.first);
    Append(out, c.leaf.second);
  } else if (c.kind == ChildKind::kInternal) {
    Append(out, c.hash);
    AppendU64(out, c.version);
  }
}

}  // namespace

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

StateChild StateChild::Leaf(const StatePair& pair) {
  StateChild c;
  c.kind = ChildKind::kLeaf;
  c.leaf = pair;
  c.hash = StateLeafHash(pair.first, pair.second);
  return c;
}

StateChild StateChild::Node(const Hash32& hash, uint64_t version) {
  StateChild c;
  c.kind = ChildKind::kInternal;
  c.hash = hash;
  c.version = version;
  return c;
}

int StateNode::Count(int lo, int hi) const {
  int n = 0;
  for (int i = lo; i < hi; ++i) n += child[i].kind != ChildKind::kEmpty;
  return n;
}

int StateNode::First(int lo, int hi) const {
  for (int i = lo; i < hi; ++i) {
    if (child[i].kind != ChildKind::kEmpty) return i;
  }
  return -1;
}

Hash32 StateNode::RangeHash(int lo, int hi) const {
  int n = Count(lo, hi);
  if (n == 0) return kEmptyStateHash;
  if (hi - lo == 1) return child[lo].hash;
  if (n == 1) {
    const StateChild& only = child[First(lo, hi)];
    // A lone pair collapses upward; a lone node does not (it holds two or
    // more pairs, so the binary levels above it are real).
    if (only.kind == ChildKind::kLeaf) return only.hash;
  }
  int mid = (lo + hi) / 2;
  return StateNodeHash(RangeHash(lo, mid), RangeHash(mid, hi));
}

Bytes StateNode::Encode() const {
  uint16_t present = 0, leaves = 0;
  size_t size = 4;
  for (int i = 0; i < 16; ++i) {
    const uint16_t bit = static_cast<uint16_t>(1u << (15 - i));
    if (child[i].kind == ChildKind::kLeaf) {
      present |= bit;
      leaves |= bit;
      size += 64;
    } else if (child[i].kind == ChildKind::kInternal) {
      present |= bit;
      size += 40;
    }
  }
  Bytes out;
  out.reserve(size);
  out.push_back(static_cast<uint8_t>(present >> 8));
  out.push_back(static_cast<uint8_t>(present));
  out.push_back(static_cast<uint8_t>(leaves >> 8));
  out.push_back(static_cast<uint8_t>(leaves));
  for (const StateChild& c : child) AppendChild(out, c);
  return out;
}

Result<StateNode> StateNode::Decode(ByteView bytes) {
  if (bytes.size() < 4) {
    return InvalidArgument("state node is " + std::to_string(bytes.size()) +
                           " bytes; at least 4 expected");
  }
  const uint16_t present = static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
  const uint16_t leaves = static_cast<uint16_t>(bytes[2] << 8 | bytes[3]);
  if ((leaves & ~present) != 0) {
    return InvalidArgument("state node marks an absent child as a pair");
  }
  if (present == 0) return InvalidArgument("state node has no children");
  const size_t want =
      4 + 64 * static_cast<size_t>(std::popcount(leaves)) +
      40 * static_cast<size_t>(std::popcount(present) - std::popcount(leaves));
  if (bytes.size() != want) {
    return InvalidArgument("state node is " + std::to_string(bytes.size()) +
                           " bytes; its bitmaps need " + std::to_string(want));
  }
  StateNode node;
  size_t at = 4;
  for (int i = 0; i < 16; ++i) {
    const uint16_t bit = static_cast<uint16_t>(1u << (15 - i));
    if (!(present & bit)) continue;
    if (leaves & bit) {
      node.child[i] = StateChild::Leaf(
          {Get32(bytes.subspan(at)), Get32(bytes.subspan(at + 32))});
      at += 64;
    } else {
      node.child[i] = StateChild::Node(Get32(bytes.subspan(at)),
                                       LoadU64(bytes.subspan(at + 32)));
      at += 40;
    }
  }
  return node;
}

Bytes EncodeStateRoot(const StateChild& root) {
  Bytes out{static_cast<uint8_t>(root.kind)};
  AppendChild(out, root);
  return out;
}

Result<StateChild> DecodeStateRoot(ByteView bytes) {
  if (bytes.size() == 1 &&
      bytes[0] == static_cast<uint8_t>(ChildKind::kEmpty)) {
    return StateChild{};
  }
  if (bytes.size() == 65 &&
      bytes[0] == static_cast<uint8_t>(ChildKind::kLeaf)) {
    return StateChild::Leaf(
        {Get32(bytes.subspan(1)), Get32(bytes.subspan(33))});
  }
  if (bytes.size() == 41 &&
      bytes[0] == static_cast<uint8_t>(ChildKind::kInternal)) {
    return StateChild::Node(Get32(bytes.subspan(1)),
                            LoadU64(bytes.subspan(33)));
  }
  return InvalidArgument("state root record of " +
                         std::to_string(bytes.size()) +
                         " bytes is not a valid empty, pair or node root");
}

}  // namespace imeisync::node::merkle
