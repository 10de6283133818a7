#include "node/rpc/wire.h"

#include <algorithm>

namespace imeisync::node::rpc {

std::string PackEntries(std::span<const Entry> entries) {
  Bytes out;
  out.reserve(entries.size() * kEncodedEntrySize);
  for (const Entry& e : entries) AppendEntry(out, e);
  return std::string(AsChars(out));
}

Result<std::vector<Entry>> UnpackEntries(std::string_view bytes,
                                         uint64_t first_index) {
  std::vector<Entry> out;
  out.reserve(bytes.size() / kEncodedEntrySize);
  const ByteView all = AsBytes(bytes);
  for (size_t off = 0; off < all.size();) {
    size_t size = 0;
    auto e = DecodeEntryPrefix(all.subspan(off), &size);
    if (!e.ok()) {
      return InvalidArgument(
          "entry " + std::to_string(first_index + out.size()) + " (byte " +
          std::to_string(off) + "): " + e.status().message());
    }
    out.push_back(*std::move(e));
    off += size;
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
