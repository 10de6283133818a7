// Entries: the unit every origin log holds and every node replicates.
//
// An entry says that its origin node took `action` for `reason` on the device
// with tag `tag` at `issued_at_ms`. The origin is implied by the log that
// holds the entry, and the order by the entry's position in it.
//
// The canonical encoding is a fixed 43-byte layout (docs/formats.md):
//   entry = version action reason tag issued-at
// It is what log leaves hash, so it never changes meaning: a new layout gets
// a new version byte.
#ifndef IMEISYNC_NODE_ENTRY_H_
#define IMEISYNC_NODE_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node {

// Wire values are fixed forever: they are hashed into logs.
enum class Action : uint8_t {
  kBlock = 1,
  kClear = 2,
  kRegister = 3,
  kDeregister = 4,
  kAllow = 5,  // ministry override
};

enum class Reason : uint8_t {
  kStolen = 1,
  kLost = 2,
  kUnregistered = 3,
  kCounterfeit = 4,
  kDuplicate = 5,
  kCourtOrder = 6,
  kForeignStolen = 7,
  kRegistry = 8,
};

// Upper-case names as in DESIGN.md and the CLI: "BLOCK", "FOREIGN_STOLEN".
std::string_view ActionName(Action a);
std::string_view ReasonName(Reason r);
// Case-insensitive inverse of the names above; nullopt when unknown.
std::optional<Action> ParseAction(std::string_view name);
std::optional<Reason> ParseReason(std::string_view name);

inline constexpr uint8_t kEntryVersion = 1;
inline constexpr size_t kEncodedEntrySize = 43;
// issued_at_ms must fit a signed 64-bit integer, as protobuf int64 and most
// languages' clocks do.
inline constexpr uint64_t kMaxIssuedAtMs = 0x7FFFFFFFFFFFFFFFull;

struct Entry {
  Action action;
  Reason reason;
  Hash32 tag;             // device tag (crypto/device_tag.h)
  uint64_t issued_at_ms;  // Unix time in milliseconds, as the origin saw it

  friend bool operator==(const Entry&, const Entry&) = default;
};

using EncodedEntry = std::array<uint8_t, kEncodedEntrySize>;

// The canonical bytes of `e`.
// REQUIRES: e.issued_at_ms <= kMaxIssuedAtMs.
EncodedEntry EncodeEntry(const Entry& e);

// Parses canonical bytes strictly. InvalidArgument, naming the byte offset,
// for: a length other than 43 (short, or trailing bytes), an unknown version,
// an unknown action or reason value, or issued_at_ms above kMaxIssuedAtMs.
Result<Entry> DecodeEntry(ByteView bytes);

}  // namespace imeisync::node

#endif  // IMEISYNC_NODE_ENTRY_H_
