// Entries: the unit every origin log holds and every node replicates.
//
// An entry says that its origin node took `action` for `reason` on the device
// with tag `tag` at `issued_at_ms`. The origin is implied by the log that
// holds the entry, and the order by the entry's position in it.
//
// The canonical encoding (docs/formats.md "Entry"):
//   entry    = entry-v1 / entry-v2
//   entry-v1 = %x01 action reason tag issued-at              ; 43 bytes
//   entry-v2 = %x02 action reason tag issued-at len source   ; 45..299 bytes
// Version 2 exists only in a ministry's export logs (docs/links.md): it
// names the domestic origin whose entry changed the exported set. It is what
// log leaves hash, so a layout never changes meaning: a new layout gets a
// new version byte.
#ifndef IMEISYNC_NODE_ENTRY_H_
#define IMEISYNC_NODE_ENTRY_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
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

// Upper-case names as in docs/formats.md "Entry" and the CLI: "BLOCK",
// "FOREIGN_STOLEN".
std::string_view ActionName(Action a);
std::string_view ReasonName(Reason r);
// Case-insensitive inverse of the names above; nullopt when unknown.
std::optional<Action> ParseAction(std::string_view name);
std::optional<Reason> ParseReason(std::string_view name);
// The action or reason whose number (as in the canonical bytes and the
// proto enums) is `number`; nullopt for any other.
std::optional<Action> ActionOfNumber(int64_t number);
std::optional<Reason> ReasonOfNumber(int64_t number);

inline constexpr uint8_t kEntryVersion = 1;         // no source
inline constexpr uint8_t kSourcedEntryVersion = 2;  // with a source
inline constexpr size_t kEncodedEntrySize = 43;     // version 1
inline constexpr size_t kMaxSourceSize = 255;
inline constexpr size_t kMaxEncodedEntrySize = 44 + kMaxSourceSize;
// issued_at_ms must fit a signed 64-bit integer, as protobuf int64 and most
// languages' clocks do.
inline constexpr uint64_t kMaxIssuedAtMs = 0x7FFFFFFFFFFFFFFFull;

struct Entry {
  Action action;
  Reason reason;
  Hash32 tag;             // device tag (crypto/device_tag.h)
  uint64_t issued_at_ms;  // Unix time in milliseconds, as the origin saw it
  // Export logs only: the origin ("imeisync/<federation>/<node>") whose
  // entry made this change to the exported set. "" in every other log.
  std::string source = {};

  friend bool operator==(const Entry&, const Entry&) = default;
};

using EncodedEntry = Bytes;

// Whether `origin` names an export log: "imeisync/<federation>/<node>/
// export/<link>" has more than the two '/' of a member's log
// "imeisync/<federation>/<node>" (ids hold no '/'). Export logs alone hold
// entries with a source.
inline bool IsExportOrigin(std::string_view origin) {
  return std::count(origin.begin(), origin.end(), '/') > 2;
}

// The canonical bytes of `e`: version 1 when e.source is empty, else 2.
// REQUIRES: e.issued_at_ms <= kMaxIssuedAtMs, e.source.size() <= 255.
EncodedEntry EncodeEntry(const Entry& e);
// Appends the canonical bytes of `e` to `out`. REQUIRES as EncodeEntry.
void AppendEntry(Bytes& out, const Entry& e);

// Parses canonical bytes strictly. InvalidArgument, naming the byte offset,
// for: a length other than the version's (short, or trailing bytes), an
// unknown version, an unknown action or reason value, issued_at_ms above
// kMaxIssuedAtMs, or a version-2 source that is empty or holds a byte
// outside [a-z0-9/-].
Result<Entry> DecodeEntry(ByteView bytes);
// Parses the one entry at the start of `bytes`, which may hold more, and
// sets `*size` to its length. Errors as DecodeEntry, for a truncated entry.
Result<Entry> DecodeEntryPrefix(ByteView bytes, size_t* size);

}  // namespace imeisync::node

#endif  // IMEISYNC_NODE_ENTRY_H_
