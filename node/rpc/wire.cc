#include "node/rpc/wire.h"

#include <algorithm>

namespace imeisync::node::rpc {

std::string PackEntries(std::span<const Entry> entries) {
  std::string out;
  out.resize(entries.size() * kEncodedEntrySize);
  char* p = out.data();
  for (const Entry& e : entries) {
    const EncodedEntry enc = EncodeEntry(e);
    std::copy(enc.begin(), enc.end(), p);
    p += kEncodedEntrySize;
  }
  return out;
}

Result<std::vector<Entry>> UnpackEntries(std::string_view bytes,
                                         uint64_t first_index) {
  if (bytes.size() % kEncodedEntrySize != 0) {
    return InvalidArgument("entry bytes: " + std::to_string(bytes.size()) +
                           " is not a multiple of " +
                           std::to_string(kEncodedEntrySize));
  }
  std::vector<Entry> out;
  out.reserve(bytes.size() / kEncodedEntrySize);
  const ByteView all = AsBytes(bytes);
  for (size_t off = 0; off < all.size(); off += kEncodedEntrySize) {
    auto e = DecodeEntry(all.subspan(off, kEncodedEntrySize));
    if (!e.ok()) {
      return InvalidArgument(
          "entry " + std::to_string(first_index + off / kEncodedEntrySize) +
          ": " + e.status().message());
    }
    out.push_back(*e);
  }
  return out;
}

Result<Hash32> ParseHash(std::string_view bytes, std::string_view what) {
  if (bytes.size() != 32) {
    return InvalidArgument(std::string(what) + " must be 32 bytes, got " +
                           std::to_string(bytes.size()));
  }
  Hash32 h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

}  // namespace imeisync::node::rpc
