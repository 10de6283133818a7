// P-256 (secp256r1, OpenSSL's prime256v1) as the prime-order group of
// RFC 9497's P256-SHA256 suite and RFC 9380's P256_XMD:SHA-256_SSWU_RO_:
//
//   element = (0x02 | 0x03) || x     33 bytes, compressed SEC1 (RFC 9497 4.3)
//   scalar  = big-endian integer     32 bytes, below the group order n
//
// The identity has no encoding and is never a valid element.
//
// A P256 is immutable after construction and may be shared by threads; the
// functions that compute take the calling thread's BN_CTX. OpenSSL calls
// that can fail only on memory exhaustion or a broken library abort the
// process (CheckOpenSsl); everything input can cause is a Status.
#ifndef IMEISYNC_CRYPTO_P256_H_
#define IMEISYNC_CRYPTO_P256_H_

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/openssl_ptr.h"

namespace imeisync::crypto {

inline constexpr size_t kP256ElementBytes = 33;
inline constexpr size_t kP256ScalarBytes = 32;
using P256Element = std::array<uint8_t, kP256ElementBytes>;
using P256Scalar = std::array<uint8_t, kP256ScalarBytes>;

class P256 {
 public:
  P256();
  P256(const P256&) = delete;
  P256& operator=(const P256&) = delete;

  const EC_GROUP* group() const { return group_.get(); }
  const BIGNUM* order() const { return order_; }    // n
  const BIGNUM* field() const { return p_.get(); }  // p
  const BIGNUM* b() const { return b_.get(); }      // the curve's B (A = -3)
  // Montgomery context for n, for Fermat inversions of secret scalars.
  // BN_mod_exp_mont_consttime only reads it.
  BN_MONT_CTX* order_mont() const { return order_mont_.get(); }

  // A new point, set to the identity.
  EcPointPtr NewPoint() const;
  // A new BIGNUM for secret values: BN_FLG_CONSTTIME set, wiped on free.
  static BnPtr NewSecretBn();

  // Compressed SEC1 encoding of `point`.
  // REQUIRES: `point` was made for this group.
  // InvalidArgument if `point` is the identity, which has no encoding.
  Result<P256Element> SerializeElement(const EC_POINT* point,
                                       BN_CTX* ctx) const;

  // Decodes a 33-byte compressed SEC1 encoding into `out`. InvalidArgument,
  // saying what was wrong, for: a length other than 33; the identity (first
  // byte 0x00); the uncompressed or hybrid forms (0x04, 0x06, 0x07); any
  // other first byte but 0x02 or 0x03; x >= p; an x that is not the
  // x-coordinate of a curve point. `out` is unspecified on error.
  Status DeserializeElement(ByteView bytes, EC_POINT* out, BN_CTX* ctx) const;
  Result<EcPointPtr> DeserializeElement(ByteView bytes, BN_CTX* ctx) const;

  // REQUIRES: 0 <= scalar < n.
  P256Scalar SerializeScalar(const BIGNUM* scalar) const;
  // Decodes 32 big-endian bytes into `out`. InvalidArgument if the length is
  // not 32 or the value is >= n. Zero is accepted: callers that need a
  // nonzero scalar check BN_is_zero.
  Status DeserializeScalar(ByteView bytes, BIGNUM* out) const;

  // A uniform scalar in [1, n-1] from the OS random source (RandomBytes,
  // rejection sampling). Internal if the generator fails.
  Status RandomScalar(BIGNUM* out) const;

  // out = sum of scalars[i] * points[i], in passes of 128 points that share
  // the doublings (17 us a point against 50 us for one EC_POINT_mul each;
  // bench/oprf_bench.cc BM_SumOfProducts).
  // REQUIRES: points.size() == scalars.size() >= 1; every point made for
  // this group; every scalar in [0, n).
  void SumOfProducts(EC_POINT* out, std::span<const EC_POINT* const> points,
                     std::span<const BIGNUM* const> scalars, BN_CTX* ctx) const;

 private:
  EcGroupPtr group_;
  const BIGNUM* order_;  // owned by group_
  BnPtr p_;
  BnPtr b_;
  BnPtr three_;
  BnPtr sqrt_exponent_;  // (p + 1) / 4
  BnMontCtxPtr field_mont_;
  BnMontCtxPtr order_mont_;
  std::array<uint8_t, 32> p_bytes_;
};

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_P256_H_
