// The text form of a 32-byte secret (a federation salt, an OPRF key): 64 hex
// characters, and as a file those characters plus an optional newline.
#ifndef IMEISYNC_CRYPTO_SECRET_HEX_H_
#define IMEISYNC_CRYPTO_SECRET_HEX_H_

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::crypto {

// Parses exactly 64 hex characters (either case). InvalidArgument names the
// secret (`what`, e.g. "salt"), then the length or the first bad character
// and its 1-based position; the message never quotes the secret itself.
// The caller owns the result and should wipe it (OPENSSL_cleanse) after use.
Result<Hash32> ParseSecretHex32(std::string_view hex, std::string_view what);

// Reads a file of 64 hex characters and an optional trailing newline ("\n"
// or "\r\n"), nothing else. Errors from ParseSecretHex32 are prefixed with
// "<what> file <path>: "; a missing or unreadable file gives ReadFile's
// NotFound or PermissionDenied. A malformed file is always an error, never a
// shorter secret. The file's text is wiped from memory before returning.
Result<Hash32> LoadSecretHexFile32(const std::string& path,
                                   std::string_view what);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_SECRET_HEX_H_
