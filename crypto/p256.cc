#include "crypto/p256.h"

#include <openssl/crypto.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>
#include <vector>

#include "crypto/random.h"

namespace imeisync::crypto {
namespace {

std::string HexByte(uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 15];
}

// Points per EC_POINTs_mul call in SumOfProducts. OpenSSL's P-256 code
// builds a 16-point table (1.5 KiB) per point; 128 points keep the tables
// in L2 and the one shared run of 255 doublings costs 2 doublings a point.
constexpr size_t kMultiMulChunk = 128;

}  // namespace

P256::P256()
    : group_(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)),
      p_(BN_new()),
      b_(BN_new()),
      three_(BN_new()),
      sqrt_exponent_(BN_new()),
      field_mont_(BN_MONT_CTX_new()),
      order_mont_(BN_MONT_CTX_new()) {
  CheckOpenSsl(group_ && p_ && b_ && three_ && sqrt_exponent_ && field_mont_ &&
                   order_mont_,
               "P-256 group allocation");
  order_ = EC_GROUP_get0_order(group_.get());
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr a(BN_new());
  CheckOpenSsl(
      ctx && a && order_ != nullptr &&
          EC_GROUP_get_curve(group_.get(), p_.get(), a.get(), b_.get(),
                             ctx.get()) == 1 &&
          BN_MONT_CTX_set(order_mont_.get(), order_, ctx.get()) == 1 &&
          BN_MONT_CTX_set(field_mont_.get(), p_.get(), ctx.get()) == 1 &&
          BN_set_word(three_.get(), 3) == 1 &&
          BN_rshift(sqrt_exponent_.get(), p_.get(), 2) == 1 &&
          BN_add_word(sqrt_exponent_.get(), 1) == 1 &&
          BN_bn2binpad(p_.get(), p_bytes_.data(), 32) == 32,
      "P-256 group parameters");
}

EcPointPtr P256::NewPoint() const {
  EcPointPtr point(EC_POINT_new(group_.get()));
  CheckOpenSsl(point != nullptr, "EC_POINT_new");
  return point;
}

BnPtr P256::NewSecretBn() {
  BnPtr bn(BN_secure_new());
  CheckOpenSsl(bn != nullptr, "BN_secure_new");
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Result<P256Element> P256::SerializeElement(const EC_POINT* point,
                                           BN_CTX* ctx) const {
  if (EC_POINT_is_at_infinity(group_.get(), point) == 1) {
    return InvalidArgument("the identity element has no encoding");
  }
  P256Element out;
  CheckOpenSsl(
      EC_POINT_point2oct(group_.get(), point, POINT_CONVERSION_COMPRESSED,
                         out.data(), out.size(), ctx) == out.size(),
      "EC_POINT_point2oct");
  return out;
}

Status P256::DeserializeElement(ByteView bytes, EC_POINT* out,
                                BN_CTX* ctx) const {
  if (bytes.empty()) {
    return InvalidArgument("element is empty; expected 33 bytes");
  }
  const uint8_t prefix = bytes[0];
  if (prefix == 0x00) {
    return InvalidArgument(
        "element encodes the identity (first byte 0x00), which is never a "
        "valid element");
  }
  if (prefix == 0x04 || prefix == 0x06 || prefix == 0x07) {
    return InvalidArgument(
        "element is in uncompressed or hybrid SEC1 form "
        "(first byte " +
        HexByte(prefix) + "); only the 33-byte compressed form is accepted");
  }
  if (bytes.size() != kP256ElementBytes) {
    return InvalidArgument("element must be 33 bytes (compressed SEC1), got " +
                           std::to_string(bytes.size()));
  }
  if (prefix != 0x02 && prefix != 0x03) {
    return InvalidArgument("element starts with byte " + HexByte(prefix) +
                           "; a compressed point starts with 0x02 or 0x03");
  }
  if (std::memcmp(bytes.data() + 1, p_bytes_.data(), 32) >= 0) {
    return InvalidArgument(
        "element's x-coordinate is not below the field prime p");
  }
  // y = sqrt(x^3 - 3x + b) = f^((p + 1) / 4), as p = 3 mod 4. This is what
  // EC_POINT_oct2point does, but BN_mod_sqrt builds a Montgomery context
  // per call: with ours cached, a decode costs 14 us instead of 20 (the
  // input is public, so the exponentiation need not be constant-time).
  BN_CTX_start(ctx);
  BIGNUM* x = BN_CTX_get(ctx);
  BIGNUM* f = BN_CTX_get(ctx);
  BIGNUM* y = BN_CTX_get(ctx);
  BIGNUM* check = BN_CTX_get(ctx);
  CheckOpenSsl(check != nullptr &&
                   BN_bin2bn(bytes.data() + 1, 32, x) != nullptr &&
                   BN_mod_sqr(f, x, p_.get(), ctx) == 1 &&
                   BN_mod_sub_quick(f, f, three_.get(), p_.get()) == 1 &&
                   BN_mod_mul(f, f, x, p_.get(), ctx) == 1 &&
                   BN_mod_add_quick(f, f, b_.get(), p_.get()) == 1 &&
                   BN_mod_exp_mont(y, f, sqrt_exponent_.get(), p_.get(), ctx,
                                   field_mont_.get()) == 1 &&
                   BN_mod_sqr(check, y, p_.get(), ctx) == 1,
               "element decoding");
  if (BN_cmp(check, f) != 0) {
    BN_CTX_end(ctx);
    return InvalidArgument(
        "element is not on P-256: no curve point has this x-coordinate");
  }
  // P-256 has no point with y = 0 (its order is odd), so -y != y.
  const bool ok =
      (BN_is_odd(y) == (prefix & 1) || BN_usub(y, p_.get(), y) == 1) &&
      EC_POINT_set_affine_coordinates(group_.get(), out, x, y, ctx) == 1;
  BN_CTX_end(ctx);
  CheckOpenSsl(ok, "EC_POINT_set_affine_coordinates (decoding)");
  return Status::Ok();
}

Result<EcPointPtr> P256::DeserializeElement(ByteView bytes, BN_CTX* ctx) const {
  EcPointPtr point = NewPoint();
  IMEISYNC_RETURN_IF_ERROR(DeserializeElement(bytes, point.get(), ctx));
  return point;
}

P256Scalar P256::SerializeScalar(const BIGNUM* scalar) const {
  assert(BN_cmp(scalar, order_) < 0 && !BN_is_negative(scalar));
  P256Scalar out;
  CheckOpenSsl(BN_bn2binpad(scalar, out.data(), 32) == 32, "BN_bn2binpad");
  return out;
}

Status P256::DeserializeScalar(ByteView bytes, BIGNUM* out) const {
  if (bytes.size() != kP256ScalarBytes) {
    return InvalidArgument("scalar must be 32 bytes, got " +
                           std::to_string(bytes.size()));
  }
  CheckOpenSsl(BN_bin2bn(bytes.data(), 32, out) != nullptr, "BN_bin2bn");
  if (BN_cmp(out, order_) >= 0) {
    BN_zero(out);
    return InvalidArgument("scalar is not below the group order n");
  }
  return Status::Ok();
}

Status P256::RandomScalar(BIGNUM* out) const {
  // n > 2^256 - 2^224: a draw is rejected with probability below 2^-32, so
  // 64 rejections in a row mean the generator is broken.
  P256Scalar bytes;
  for (int attempt = 0; attempt < 64; ++attempt) {
    IMEISYNC_RETURN_IF_ERROR(RandomBytes(bytes));
    CheckOpenSsl(BN_bin2bn(bytes.data(), 32, out) != nullptr, "BN_bin2bn");
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (!BN_is_zero(out) && BN_cmp(out, order_) < 0) return Status::Ok();
  }
  BN_zero(out);
  return Internal("random generator gave 64 out-of-range P-256 scalars");
}

void P256::SumOfProducts(EC_POINT* out, std::span<const EC_POINT* const> points,
                         std::span<const BIGNUM* const> scalars,
                         BN_CTX* ctx) const {
  assert(!points.empty() && points.size() == scalars.size());
  CheckOpenSsl(EC_POINT_set_to_infinity(group_.get(), out) == 1,
               "EC_POINT_set_to_infinity");
  EcPointPtr partial = NewPoint();
  for (size_t start = 0; start < points.size(); start += kMultiMulChunk) {
    const size_t n = std::min(kMultiMulChunk, points.size() - start);
    // EC_POINTs_mul is deprecated in OpenSSL 3.0 with no replacement, and it
    // is the only public entry to the P-256 code's multi-point mul, which
    // shares the 255 doublings between all points of a call. EC_POINT_mul
    // per point costs 3 times as much (bench/oprf_bench.cc).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    const int ok =
        EC_POINTs_mul(group_.get(), partial.get(), nullptr, n,
                      const_cast<const EC_POINT**>(points.data()) + start,
                      const_cast<const BIGNUM**>(scalars.data()) + start, ctx);
#pragma GCC diagnostic pop
    CheckOpenSsl(ok == 1 && EC_POINT_add(group_.get(), out, out, partial.get(),
                                         ctx) == 1,
                 "EC_POINTs_mul");
  }
}

}  // namespace imeisync::crypto
