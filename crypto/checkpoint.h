// C2SP checkpoints (c2sp.org/tlog-checkpoint@v1.0.0): the note text that
// commits an origin log's size and RFC 9162 root.
//
//   checkpoint-text = origin "\n" size "\n" base64(root) "\n" *(extension "\n")
//
// In imeisync the origin is "imeisync/<federation>/<node>".
#ifndef IMEISYNC_CRYPTO_CHECKPOINT_H_
#define IMEISYNC_CRYPTO_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/note.h"

namespace imeisync::crypto {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash32 root{};
  std::vector<std::string> extensions;  // opaque, non-empty lines

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// REQUIRES: origin and extensions non-empty and free of newlines.
std::string FormatCheckpointText(const Checkpoint& checkpoint);

// Strict: InvalidArgument, naming the line, unless the text is at least three
// lines each ending in "\n"; the origin is non-empty; the size is decimal
// without leading zeros (or "0") and fits 63 bits; the root is canonical
// base64 of exactly 32 bytes; extension lines are non-empty.
Result<Checkpoint> ParseCheckpointText(std::string_view text);

// A signed checkpoint as it arrives from a peer, parsed once: the exact
// bytes (kept verbatim as evidence and relayed as they came), the note and
// the checkpoint its text holds. No signature is checked yet.
struct ParsedCheckpoint {
  std::string raw;
  Note note;
  Checkpoint checkpoint;
};

// ParseNote() then ParseCheckpointText(); their errors.
Result<ParsedCheckpoint> ParseSignedCheckpoint(std::string_view raw);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_CHECKPOINT_H_
