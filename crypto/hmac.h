// HMAC-SHA256 (RFC 2104), one-shot and incremental.
#ifndef IMEISYNC_CRYPTO_HMAC_H_
#define IMEISYNC_CRYPTO_HMAC_H_

#include "base/bytes.h"
#include "crypto/openssl_ptr.h"

namespace imeisync::crypto {

Hash32 HmacSha256(ByteView key, ByteView message);

// Incremental HMAC-SHA256 under one key. Finish() re-initialises from the
// stored key state, so each message after the first skips the key schedule.
// Not thread-safe.
class HmacSha256Hasher {
 public:
  // Copies what it needs of `key`; the caller may wipe its copy afterwards.
  explicit HmacSha256Hasher(ByteView key);
  HmacSha256Hasher(const HmacSha256Hasher&) = delete;
  HmacSha256Hasher& operator=(const HmacSha256Hasher&) = delete;
  HmacSha256Hasher(HmacSha256Hasher&&) = default;
  HmacSha256Hasher& operator=(HmacSha256Hasher&&) = default;

  HmacSha256Hasher& Update(ByteView data);
  // Returns the MAC of everything passed to Update() since construction or
  // the last Finish(), and resets for a new message under the same key.
  Hash32 Finish();

 private:
  EvpMacCtxPtr ctx_;
};

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_HMAC_H_
