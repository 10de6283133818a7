// Keys of RFC 9497's OPRF (mode 0) and VOPRF (mode 1) with suite
// P256-SHA256: a secret scalar k in [1, n-1] and its public key k * G.
//
//   key file   = 64 lower-case hex characters of k (32 bytes big-endian) "\n"
//   public key = SerializeElement(k * G), 33 bytes (crypto/p256.h)
//
// The protocol itself is in crypto/oprf.h.
#ifndef IMEISYNC_CRYPTO_OPRF_KEY_H_
#define IMEISYNC_CRYPTO_OPRF_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/p256.h"

namespace imeisync::crypto {

enum class OprfMode : uint8_t { kOprf = 0, kVoprf = 1 };

inline constexpr std::string_view kOprfSuite = "P256-SHA256";

// contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || "P256-SHA256"
// (RFC 9497 3.1): 20 bytes, the eighth being the raw mode byte 0x00 or 0x01.
std::string OprfContextString(OprfMode mode);

// The server's secret scalar. Wiped on destruction, never printed; move-only
// so that no stray copy outlives its owner.
class OprfPrivateKey {
 public:
  // 32 bytes big-endian. InvalidArgument for another length, zero, or a
  // value >= n (a key must be in [1, n-1]).
  static Result<OprfPrivateKey> FromBytes(ByteView bytes);
  // Exactly 64 hex characters (either case), then as FromBytes. Errors name
  // the length or the first bad character and its position, never the key.
  static Result<OprfPrivateKey> FromHex(std::string_view hex);
  // A key file: 64 hex characters and an optional trailing newline ("\n" or
  // "\r\n"), nothing else. Errors start with "OPRF key file <path>: ";
  // NotFound or PermissionDenied if it cannot be read.
  static Result<OprfPrivateKey> LoadFile(const std::string& path);
  // A fresh uniform key from the OS random source. Internal if the
  // generator fails.
  static Result<OprfPrivateKey> Generate();
  // DeriveKeyPair(seed, info) of RFC 9497 3.2.1 for `mode`: the first
  // nonzero HashToScalar(seed || I2OSP(len(info), 2) || info ||
  // I2OSP(counter, 1)) with DST "DeriveKeyPair" || contextString, counter
  // 0 to 255. InvalidArgument if `seed` is not 32 bytes, `info` is above
  // 65535 bytes, or all 256 counters give zero (DeriveKeyPairError).
  static Result<OprfPrivateKey> DeriveKeyPair(ByteView seed, ByteView info,
                                              OprfMode mode);

  OprfPrivateKey(OprfPrivateKey&& other) noexcept;
  OprfPrivateKey& operator=(OprfPrivateKey&& other) noexcept;
  OprfPrivateKey(const OprfPrivateKey&) = delete;
  OprfPrivateKey& operator=(const OprfPrivateKey&) = delete;
  ~OprfPrivateKey();

  // 64 lower-case hex characters plus "\n": the key file format. The only
  // way to see the scalar; write it to a 0600 file, never to a log.
  std::string ToFileContents() const;
  // SerializeElement(k * G). Builds a P-256 group: cache the result.
  P256Element PublicKey() const;

 private:
  friend class OprfServer;  // reads the scalar, in crypto/oprf.cc
  explicit OprfPrivateKey(const P256Scalar& bytes) : bytes_(bytes) {}

  P256Scalar bytes_;
};

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_OPRF_KEY_H_
