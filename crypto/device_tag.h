// Device tags in salted mode: the only form in which an IMEI is replicated.
//
//   tag = HMAC-SHA256(key = salt, msg = "imeisync/tag/v1" || imei14)
//
// where imei14 is the 14 ASCII digits of the IMEI core (TAC + serial) and
// salt is the federation's 32-byte secret for the epoch. See docs/formats.md.
#ifndef IMEISYNC_CRYPTO_DEVICE_TAG_H_
#define IMEISYNC_CRYPTO_DEVICE_TAG_H_

#include <array>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/hmac.h"

namespace imeisync::crypto {

inline constexpr std::string_view kTagDomain = "imeisync/tag/v1";

using DeviceTag = Hash32;

// The 32-byte federation salt. A secret: wiped on destruction, never
// printed; move-only so that no stray copy outlives its owner.
class Salt {
 public:
  // Parses exactly 64 hex characters (either case). InvalidArgument names
  // the length or the first bad character and its position.
  static Result<Salt> FromHex(std::string_view hex);
  // Reads a salt file: 64 hex characters and an optional trailing newline
  // ("\n" or "\r\n"), nothing else. Errors name the path; a malformed file is
  // always an error, never a shorter key.
  static Result<Salt> LoadFile(const std::string& path);
  explicit Salt(const Hash32& bytes) : bytes_(bytes) {}

  Salt(Salt&& other) noexcept;
  Salt& operator=(Salt&& other) noexcept;
  Salt(const Salt&) = delete;
  Salt& operator=(const Salt&) = delete;
  ~Salt();

  ByteView bytes() const { return bytes_; }
  // 64 lower-case hex characters plus "\n": the salt file format.
  std::string ToFileContents() const;

 private:
  Hash32 bytes_;
};

// Computes device tags under one salt. Reuses the keyed HMAC state, so it is
// several times faster than one HmacSha256() per tag. Not thread-safe: use
// one Tagger per thread.
class Tagger {
 public:
  explicit Tagger(const Salt& salt);

  // REQUIRES: imei14 is exactly 14 ASCII digits (node::Imei::imei14()).
  DeviceTag Tag(std::string_view imei14);

 private:
  HmacSha256Hasher hmac_;
};

// One-shot form of Tagger::Tag(). Same precondition.
DeviceTag SaltedTag(const Salt& salt, std::string_view imei14);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_DEVICE_TAG_H_
