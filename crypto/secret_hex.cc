#include "crypto/secret_hex.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/file_util.h"
#include "base/hex.h"

namespace imeisync::crypto {

Result<Hash32> ParseSecretHex32(std::string_view hex, std::string_view what) {
  if (hex.size() != 64) {
    return InvalidArgument(std::string(what) +
                           " must be 64 hex characters (32 bytes), found " +
                           std::to_string(hex.size()));
  }
  auto bytes = HexDecode(hex);
  if (!bytes.ok()) return bytes.status().WithContext(what);
  Result<Hash32> out(Hash32{});
  std::copy(bytes->begin(), bytes->end(), out->begin());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return out;  // NRVO: built in the caller's object, no copy to wipe
}

Result<Hash32> LoadSecretHexFile32(const std::string& path,
                                   std::string_view what) {
  // 1024 bytes: far above 66, far below anything that is not a key file.
  IMEISYNC_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1024));
  std::string_view body = text;
  if (body.ends_with("\r\n")) {
    body.remove_suffix(2);
  } else if (body.ends_with('\n')) {
    body.remove_suffix(1);
  }
  auto raw = ParseSecretHex32(body, what);
  OPENSSL_cleanse(text.data(), text.size());
  if (!raw.ok()) {
    return raw.status().WithContext(std::string(what) + " file " + path);
  }
  return raw;
}

}  // namespace imeisync::crypto
