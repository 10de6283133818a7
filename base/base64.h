// Standard base64 (RFC 4648 section 4) with padding, as signed notes and
// checkpoints use it.
#ifndef IMEISYNC_BASE_BASE64_H_
#define IMEISYNC_BASE_BASE64_H_

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync {

std::string Base64Encode(ByteView bytes);

// Strict decoding: the standard alphabet, '=' padding to a multiple of 4,
// no whitespace, and zero bits where padding leaves unused bits, so every
// byte string has exactly one accepted encoding. InvalidArgument names the
// first offending character's 1-based position.
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace imeisync

#endif  // IMEISYNC_BASE_BASE64_H_
