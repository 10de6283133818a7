// Lower-case hexadecimal, as every hash and key is shown to people.
#ifndef IMEISYNC_BASE_HEX_H_
#define IMEISYNC_BASE_HEX_H_

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync {

// Lower-case hex of `bytes`, two characters per byte.
std::string HexEncode(ByteView bytes);

// Decodes hex (either case). Returns InvalidArgument naming the offending
// character and its 1-based position, or an odd length.
Result<Bytes> HexDecode(std::string_view hex);

// Decodes exactly 32 bytes (64 hex characters), e.g. a hash or a tag.
// Returns InvalidArgument naming the actual length otherwise.
Result<Hash32> HexDecode32(std::string_view hex);

}  // namespace imeisync

#endif  // IMEISYNC_BASE_HEX_H_
