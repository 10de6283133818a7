// Domain values on the wire: canonical entries packed back to back (each
// self-delimiting: 43 bytes, or more for an export log's version 2), and
// 32-byte hashes as protobuf bytes. Bytes from a peer that do not parse are
// InvalidArgument naming what was wrong.
#ifndef IMEISYNC_NODE_RPC_WIRE_H_
#define IMEISYNC_NODE_RPC_WIRE_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/entry.h"

namespace imeisync::node::rpc {

// Largest EntryChunk.entries: 1 MiB. kEntriesPerChunk version-1 entries
// fill it; a chunk of an export log's longer entries holds fewer (the
// server halves the count until it fits).
inline constexpr size_t kMaxChunkBytes = 1 << 20;
inline constexpr size_t kEntriesPerChunk = kMaxChunkBytes / kEncodedEntrySize;

std::string PackEntries(std::span<const Entry> entries);
// Strict: a truncated last entry, or any entry that DecodeEntry refuses, is
// InvalidArgument naming its position.
Result<std::vector<Entry>> UnpackEntries(std::string_view bytes,
                                         uint64_t first_index);

inline std::string HashBytes(const Hash32& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}
// InvalidArgument naming `what` unless `bytes` is exactly 32 bytes.
Result<Hash32> ParseHash(std::string_view bytes, std::string_view what);

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_WIRE_H_
