#include "node/merkle/state_proof.h"

#include <algorithm>
#include <string>

namespace imeisync::node::merkle {
namespace {

constexpr uint8_t kProofVersion = 1;
constexpr size_t kMaxDepth = 256;

bool SharesPrefix(const Hash32& a, const Hash32& b, size_t bits) {
  for (size_t i = 0; i < bits; ++i) {
    if (KeyBit(a, static_cast<int>(i)) != KeyBit(b, static_cast<int>(i)))
      return false;
  }
  return true;
}

}  // namespace

Bytes StateProof::Encode() const {
  const size_t depth = siblings.size();
  Bytes out;
  out.push_back(kProofVersion);
  out.push_back(static_cast<uint8_t>(depth >> 8));
  out.push_back(static_cast<uint8_t>(depth));
  size_t bitmap_at = out.size();
  out.resize(out.size() + (depth + 7) / 8, 0);
  for (size_t i = 0; i < depth; ++i) {
    if (siblings[i] == kEmptyStateHash) continue;
    out[bitmap_at + i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
    out.insert(out.end(), siblings[i].begin(), siblings[i].end());
  }
  if (leaf) {
    out.push_back(0x01);
    out.insert(out.end(), leaf->first.begin(), leaf->first.end());
    out.insert(out.end(), leaf->second.begin(), leaf->second.end());
  } else {
    out.push_back(0x00);
  }
  return out;
}

Result<StateProof> StateProof::Decode(ByteView b) {
  auto need = [&](size_t at, size_t n, const char* what) -> Status {
    if (b.size() < at + n) {
      return InvalidArgument("state proof truncated at byte " +
                             std::to_string(b.size()) + " while reading " +
                             what);
    }
    return Status::Ok();
  };
  IMEISYNC_RETURN_IF_ERROR(need(0, 3, "the header"));
  if (b[0] != kProofVersion) {
    return InvalidArgument("state proof byte 0: unknown version " +
                           std::to_string(b[0]));
  }
  size_t depth = static_cast<size_t>(b[1]) << 8 | b[2];
  if (depth > kMaxDepth) {
    return InvalidArgument("state proof depth " + std::to_string(depth) +
                           " exceeds 256");
  }
  size_t at = 3;
  size_t bitmap_bytes = (depth + 7) / 8;
  IMEISYNC_RETURN_IF_ERROR(need(at, bitmap_bytes, "the sibling bitmap"));
  ByteView bitmap = b.subspan(at, bitmap_bytes);
  at += bitmap_bytes;
  if (depth % 8 != 0 && (bitmap.back() & (0xff >> (depth % 8))) != 0) {
    return InvalidArgument("state proof bitmap has bits set past depth " +
                           std::to_string(depth));
  }
  StateProof proof;
  proof.siblings.resize(depth);
  for (size_t i = 0; i < depth; ++i) {
    if (!(bitmap[i / 8] & (0x80 >> (i % 8)))) continue;
    IMEISYNC_RETURN_IF_ERROR(need(at, 32, "a sibling hash"));
    std::copy_n(b.begin() + static_cast<ptrdiff_t>(at), 32,
                proof.siblings[i].begin());
    if (proof.siblings[i] == kEmptyStateHash) {
      return InvalidArgument("state proof lists the empty hash as sibling " +
                             std::to_string(i) +
                             "; the bitmap should mark it empty");
    }
    at += 32;
  }
  IMEISYNC_RETURN_IF_ERROR(need(at, 1, "the terminal"));
  uint8_t terminal = b[at++];
  if (terminal == 0x01) {
    IMEISYNC_RETURN_IF_ERROR(need(at, 64, "the terminal leaf"));
    StatePair leaf;
    std::copy_n(b.begin() + static_cast<ptrdiff_t>(at), 32, leaf.first.begin());
    std::copy_n(b.begin() + static_cast<ptrdiff_t>(at) + 32, 32,
                leaf.second.begin());
    proof.leaf = leaf;
    at += 64;
  } else if (terminal != 0x00) {
    return InvalidArgument("state proof byte " + std::to_string(at - 1) +
                           ": unknown terminal " + std::to_string(terminal));
  }
  if (at != b.size()) {
    return InvalidArgument("state proof has " + std::to_string(b.size() - at) +
                           " trailing bytes");
  }
  return proof;
}

Result<std::optional<Hash32>> VerifyStateProof(const Hash32& root,
                                               const Hash32& key,
                                               const StateProof& proof) {
  const size_t depth = proof.siblings.size();
  if (depth > kMaxDepth) {
    return InvalidArgument("state proof depth " + std::to_string(depth) +
                           " exceeds 256");
  }
  // Where a path ends, the other half must be non-empty: otherwise the
  // parent would hold a single leaf (or none) and have collapsed.
  if (depth > 0 && proof.siblings[depth - 1] == kEmptyStateHash) {
    return InvalidArgument("state proof ends below an empty sibling at bit " +
                           std::to_string(depth - 1) +
                           "; a canonical path stops higher");
  }
  Hash32 h = kEmptyStateHash;
  std::optional<Hash32> value;
  if (proof.leaf) {
    const auto& [leaf_key, leaf_value] = *proof.leaf;
    if (!SharesPrefix(leaf_key, key, depth)) {
      return InvalidArgument(
          "state proof's leaf does not lie on the key's path");
    }
    h = StateLeafHash(leaf_key, leaf_value);
    if (leaf_key == key) value = leaf_value;
  }
  for (size_t i = depth; i-- > 0;) {
    h = KeyBit(key, static_cast<int>(i)) == 0
            ? StateNodeHash(h, proof.siblings[i])
            : StateNodeHash(proof.siblings[i], h);
  }
  if (h != root)
    return InvalidArgument("state proof does not lead to the root");
  return value;
}

}  // namespace imeisync::node::merkle
