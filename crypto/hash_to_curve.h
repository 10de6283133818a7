// RFC 9380 hash_to_curve for P-256, suite P256_XMD:SHA-256_SSWU_RO_ (8.2):
//
//   u0, u1 = hash_to_field(msg, 2)          (crypto/hash_to_field.h)
//   Q0, Q1 = map_to_curve_simple_swu(u0), map_to_curve_simple_swu(u1)
//   P      = Q0 + Q1                        (cofactor 1: no clearing)
//
// with A = -3, B the curve's b, Z = -10, and the straight-line sqrt_ratio
// for q = 3 mod 4 (Appendix F.2.1.2). OpenSSL has no hash-to-curve.
//
// The message is secret (an IMEI): the map has no branch on secret data,
// its exponentiations use BN_mod_exp_mont_consttime, and its conditional
// moves and comparisons work on fixed 32-byte encodings. OpenSSL's BIGNUM
// still trims leading zero words, as in OpenSSL's own ECDSA code; that leak
// is the residual one.
#ifndef IMEISYNC_CRYPTO_HASH_TO_CURVE_H_
#define IMEISYNC_CRYPTO_HASH_TO_CURVE_H_

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/openssl_ptr.h"
#include "crypto/p256.h"

namespace imeisync::crypto {

// Holds the constants and scratch values of the map, so repeated calls
// allocate little. Not thread-safe: use one per thread. `group` must outlive
// the P256HashToCurve.
class P256HashToCurve {
 public:
  explicit P256HashToCurve(const P256& group);
  P256HashToCurve(const P256HashToCurve&) = delete;
  P256HashToCurve& operator=(const P256HashToCurve&) = delete;
  ~P256HashToCurve();

  // hash_to_curve(msg) under domain separation tag `dst`.
  // InvalidArgument if `dst` is empty. The result is the identity only with
  // probability about 2^-256; callers that must refuse it check.
  Result<EcPointPtr> Hash(ByteView msg, std::string_view dst);

  // map_to_curve_simple_swu(u) for one field element, 32 bytes big-endian
  // (the u values of the RFC 9380 vectors). InvalidArgument if u >= p.
  Result<EcPointPtr> Map(const Hash32& u);

 private:
  struct State;  // constants and scratch BIGNUMs, all wiped on destruction
  std::unique_ptr<State> state_;
};

// One-shot form of P256HashToCurve::Hash().
Result<EcPointPtr> HashToCurveP256(const P256& group, ByteView msg,
                                   std::string_view dst);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_HASH_TO_CURVE_H_
