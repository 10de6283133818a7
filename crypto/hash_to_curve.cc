#include "crypto/hash_to_curve.h"

#include <openssl/crypto.h>

#include <cstring>
#include <vector>

#include "crypto/hash_to_field.h"

namespace imeisync::crypto {
namespace {

// Field elements are BIGNUMs in [0, p). Every helper aborts only on memory
// exhaustion (CheckOpenSsl): no input can make them fail.

void Encode(const BIGNUM* a, uint8_t out[32]) {
  CheckOpenSsl(BN_bn2binpad(a, out, 32) == 32, "BN_bn2binpad");
}

// 0xff if a == b, else 0x00, comparing the 32-byte encodings in constant
// time.
uint8_t EqualMask(const BIGNUM* a, const BIGNUM* b) {
  uint8_t ea[32], eb[32];
  Encode(a, ea);
  Encode(b, eb);
  // CRYPTO_memcmp gives 0 for equal, else a value in 1..255.
  const int diff = CRYPTO_memcmp(ea, eb, 32);
  OPENSSL_cleanse(ea, 32);
  OPENSSL_cleanse(eb, 32);
  return static_cast<uint8_t>((diff - 1) >> 8);
}

// CMOV(a, b, c) of RFC 9380: r = b if mask is 0xff, a if mask is 0x00.
void Select(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, uint8_t mask) {
  uint8_t ea[32], eb[32];
  Encode(a, ea);
  Encode(b, eb);
  for (int i = 0; i < 32; ++i) {
    ea[i] = static_cast<uint8_t>(ea[i] ^ (mask & (ea[i] ^ eb[i])));
  }
  CheckOpenSsl(BN_bin2bn(ea, 32, r) != nullptr, "BN_bin2bn");
  OPENSSL_cleanse(ea, 32);
  OPENSSL_cleanse(eb, 32);
}

// sgn0 for m = 1 (RFC 9380 4.1): the parity of the canonical value.
uint8_t Sgn0(const BIGNUM* a) {
  uint8_t ea[32];
  Encode(a, ea);
  const uint8_t sign = ea[31] & 1;
  OPENSSL_cleanse(ea, 32);
  return sign;
}

}  // namespace

// The map works on field elements in Montgomery form (a * R mod p), where
// BN_mod_mul_montgomery runs OpenSSL's assembly at 66 ns against 250 ns for
// BN_mod_mul; addition, subtraction and comparison are the same in either
// form. Only the exponentiations, sgn0 and the final point leave it.
struct P256HashToCurve::State {
  explicit State(const P256& g) : group(g), ctx(BN_CTX_secure_new()) {
    CheckOpenSsl(ctx != nullptr, "BN_CTX_secure_new");
    for (BnPtr* bn : {&a, &b, &z, &c1, &c2, &p_minus_2, &one, &zero}) {
      bn->reset(BN_new());
      CheckOpenSsl(*bn != nullptr, "BN_new");
    }
    for (BnPtr* bn : {&u0,  &u1,  &xn0, &xd0, &y0,  &xn1, &xd1, &y1,
                      &tv1, &tv2, &tv3, &tv4, &tv5, &tv6, &x,   &y,
                      &sr,  &t1,  &t2,  &t3,  &ya,  &yb,  &neg, &plain}) {
      *bn = P256::NewSecretBn();
    }
    const BIGNUM* p = g.field();
    field_mont.reset(BN_MONT_CTX_new());
    CheckOpenSsl(
        field_mont != nullptr &&
            BN_MONT_CTX_set(field_mont.get(), p, ctx.get()) == 1 &&
            BN_sub(c1.get(), p, BN_value_one()) == 1 &&  // c1 = (p - 3) / 4
            BN_sub_word(c1.get(), 2) == 1 &&
            BN_rshift(c1.get(), c1.get(), 2) == 1 &&
            BN_sub(p_minus_2.get(), p, BN_value_one()) == 1 &&
            BN_sub_word(p_minus_2.get(), 1) == 1 &&
            // c2 = sqrt(-Z) = sqrt(10); either root serves, as step 24 of
            // the map fixes the sign of y.
            BN_set_word(c2.get(), 10) == 1 &&
            BN_mod_sqrt(c2.get(), c2.get(), p, ctx.get()) != nullptr &&
            BN_set_word(one.get(), 1) == 1 &&
            BN_sub(a.get(), p, one.get()) == 1 &&  // A = -3
            BN_sub_word(a.get(), 2) == 1 &&
            BN_sub(z.get(), p, one.get()) == 1 &&  // Z = -10
            BN_sub_word(z.get(), 9) == 1 && BN_copy(b.get(), g.b()) != nullptr,
        "hash_to_curve constants");
    for (BnPtr* bn : {&a, &b, &z, &c2, &one}) ToMont(bn->get(), bn->get());
  }

  void ToMont(BIGNUM* r, const BIGNUM* l) {
    CheckOpenSsl(BN_to_montgomery(r, l, field_mont.get(), ctx.get()) == 1,
                 "BN_to_montgomery");
  }
  void FromMont(BIGNUM* r, const BIGNUM* l) {
    CheckOpenSsl(BN_from_montgomery(r, l, field_mont.get(), ctx.get()) == 1,
                 "BN_from_montgomery");
  }
  void Mul(BIGNUM* r, const BIGNUM* l, const BIGNUM* m) {
    CheckOpenSsl(
        BN_mod_mul_montgomery(r, l, m, field_mont.get(), ctx.get()) == 1,
        "BN_mod_mul_montgomery");
  }
  void Sqr(BIGNUM* r, const BIGNUM* l) { Mul(r, l, l); }
  void Add(BIGNUM* r, const BIGNUM* l, const BIGNUM* m) {
    CheckOpenSsl(BN_mod_add_quick(r, l, m, group.field()) == 1,
                 "BN_mod_add_quick");
  }
  void Neg(BIGNUM* r, const BIGNUM* l) {
    CheckOpenSsl(BN_mod_sub_quick(r, zero.get(), l, group.field()) == 1,
                 "BN_mod_sub_quick");
  }
  // r = l^e, in and out in Montgomery form. REQUIRES: r is not l.
  void Pow(BIGNUM* r, const BIGNUM* l, const BIGNUM* e) {
    FromMont(plain.get(), l);
    CheckOpenSsl(BN_mod_exp_mont_consttime(r, plain.get(), e, group.field(),
                                           ctx.get(), field_mont.get()) == 1,
                 "BN_mod_exp_mont_consttime");
    ToMont(r, r);
  }
  // sgn0 of a value in Montgomery form.
  uint8_t Sgn0Mont(const BIGNUM* l) {
    FromMont(plain.get(), l);
    return Sgn0(plain.get());
  }

  // sqrt_ratio(u, v) for q = 3 mod 4, RFC 9380 F.2.1.2, straight line.
  // Returns 0xff if u / v is square (then out = sqrt(u / v)), else 0x00
  // (then out = sqrt(Z * u / v)).
  uint8_t SqrtRatio(const BIGNUM* u, const BIGNUM* v, BIGNUM* out) {
    Sqr(t1.get(), v);                              // 1. tv1 = v^2
    Mul(t2.get(), u, v);                           // 2. tv2 = u * v
    Mul(t1.get(), t1.get(), t2.get());             // 3. tv1 = tv1 * tv2
    Pow(ya.get(), t1.get(), c1.get());             // 4. y1 = tv1^c1
    Mul(ya.get(), ya.get(), t2.get());             // 5. y1 = y1 * tv2
    Mul(yb.get(), ya.get(), c2.get());             // 6. y2 = y1 * c2
    Sqr(t3.get(), ya.get());                       // 7. tv3 = y1^2
    Mul(t3.get(), t3.get(), v);                    // 8. tv3 = tv3 * v
    const uint8_t is_qr = EqualMask(t3.get(), u);  // 9. isQR = tv3 == u
    Select(out, yb.get(), ya.get(), is_qr);        // 10. y = CMOV(y2, y1, isQR)
    return is_qr;
  }

  // map_to_curve_simple_swu(u), RFC 9380 F.2, straight line, stopping
  // before step 25's division: the point is (xn / xd, y_out). All in
  // Montgomery form.
  void MapToFraction(const BIGNUM* u, BIGNUM* xn, BIGNUM* xd, BIGNUM* y_out) {
    Sqr(tv1.get(), u);                     // 1. tv1 = u^2
    Mul(tv1.get(), z.get(), tv1.get());    // 2. tv1 = Z * tv1
    Sqr(tv2.get(), tv1.get());             // 3. tv2 = tv1^2
    Add(tv2.get(), tv2.get(), tv1.get());  // 4. tv2 = tv2 + tv1
    Add(tv3.get(), tv2.get(), one.get());  // 5. tv3 = tv2 + 1
    Mul(tv3.get(), b.get(), tv3.get());    // 6. tv3 = B * tv3
    Neg(neg.get(), tv2.get());             // 7. tv4 = CMOV(Z, -tv2, tv2 != 0)
    Select(tv4.get(), z.get(), neg.get(),
           static_cast<uint8_t>(~EqualMask(tv2.get(), zero.get())));
    Mul(tv4.get(), a.get(), tv4.get());    // 8. tv4 = A * tv4
    Sqr(tv2.get(), tv3.get());             // 9. tv2 = tv3^2
    Sqr(tv6.get(), tv4.get());             // 10. tv6 = tv4^2
    Mul(tv5.get(), a.get(), tv6.get());    // 11. tv5 = A * tv6
    Add(tv2.get(), tv2.get(), tv5.get());  // 12. tv2 = tv2 + tv5
    Mul(tv2.get(), tv2.get(), tv3.get());  // 13. tv2 = tv2 * tv3
    Mul(tv6.get(), tv6.get(), tv4.get());  // 14. tv6 = tv6 * tv4
    Mul(tv5.get(), b.get(), tv6.get());    // 15. tv5 = B * tv6
    Add(tv2.get(), tv2.get(), tv5.get());  // 16. tv2 = tv2 + tv5
    Mul(x.get(), tv1.get(), tv3.get());    // 17. x = tv1 * tv3
    // 18. (is_gx1_square, y1) = sqrt_ratio(tv2, tv6)
    const uint8_t is_gx1_square = SqrtRatio(tv2.get(), tv6.get(), sr.get());
    Mul(y.get(), tv1.get(), u);                         // 19. y = tv1 * u
    Mul(y.get(), y.get(), sr.get());                    // 20. y = y * y1
    Select(xn, x.get(), tv3.get(), is_gx1_square);      // 21. x = CMOV(x, tv3)
    Select(y.get(), y.get(), sr.get(), is_gx1_square);  // 22. y = CMOV(y, y1)
    // 23. e1 = sgn0(u) == sgn0(y); 24. y = CMOV(-y, y, e1)
    const uint8_t e1 = static_cast<uint8_t>(
        -static_cast<int>(1 ^ Sgn0Mont(u) ^ Sgn0Mont(y.get())));
    Neg(neg.get(), y.get());
    Select(y_out, neg.get(), y.get(), e1);
    CheckOpenSsl(BN_copy(xd, tv4.get()) != nullptr, "BN_copy");  // 25. x / tv4
  }

  // Sets `point` to (x, y), given in Montgomery form.
  // EC_POINT_set_affine_coordinates checks that the point is on the curve;
  // failing that would be a bug in the map.
  void SetAffine(EC_POINT* point, BIGNUM* px, BIGNUM* py) {
    FromMont(px, px);
    FromMont(py, py);
    CheckOpenSsl(EC_POINT_set_affine_coordinates(group.group(), point, px, py,
                                                 ctx.get()) == 1,
                 "EC_POINT_set_affine_coordinates (map_to_curve)");
  }

  // Loads the 32-byte field element `u` (REQUIRES: u < p) into `out`, in
  // Montgomery form.
  void LoadU(const Hash32& u, BIGNUM* out) {
    CheckOpenSsl(BN_bin2bn(u.data(), 32, out) != nullptr, "BN_bin2bn");
    ToMont(out, out);
  }

  const P256& group;
  BnCtxPtr ctx;
  BnMontCtxPtr field_mont;
  // Public constants; a, b, z, c2 and one in Montgomery form.
  BnPtr a, b, z, c1, c2, p_minus_2, one, zero;
  // Secret scratch: u values, map outputs and temporaries.
  BnPtr u0, u1, xn0, xd0, y0, xn1, xd1, y1, tv1, tv2, tv3, tv4, tv5, tv6, x, y,
      sr, t1, t2, t3, ya, yb, neg, plain;
};

P256HashToCurve::P256HashToCurve(const P256& group)
    : state_(std::make_unique<State>(group)) {}

P256HashToCurve::~P256HashToCurve() = default;

Result<EcPointPtr> P256HashToCurve::Hash(ByteView msg, std::string_view dst) {
  State& s = *state_;
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> u,
                            HashToFieldP256(msg, dst, 2));
  s.LoadU(u[0], s.u0.get());
  s.LoadU(u[1], s.u1.get());
  OPENSSL_cleanse(u.data(), u.size() * sizeof(Hash32));
  s.MapToFraction(s.u0.get(), s.xn0.get(), s.xd0.get(), s.y0.get());
  s.MapToFraction(s.u1.get(), s.xn1.get(), s.xd1.get(), s.y1.get());
  // Montgomery's trick: one exponentiation inverts both denominators.
  // xd is A * (Z or -tv2), never 0, so the inverse exists.
  s.Mul(s.t1.get(), s.xd0.get(), s.xd1.get());
  s.Pow(s.t2.get(), s.t1.get(), s.p_minus_2.get());  // 1 / (xd0 * xd1)
  s.Mul(s.t3.get(), s.t2.get(), s.xd1.get());        // 1 / xd0
  s.Mul(s.xn0.get(), s.xn0.get(), s.t3.get());
  s.Mul(s.t3.get(), s.t2.get(), s.xd0.get());  // 1 / xd1
  s.Mul(s.xn1.get(), s.xn1.get(), s.t3.get());
  EcPointPtr q0 = s.group.NewPoint();
  EcPointPtr q1 = s.group.NewPoint();
  s.SetAffine(q0.get(), s.xn0.get(), s.y0.get());
  s.SetAffine(q1.get(), s.xn1.get(), s.y1.get());
  CheckOpenSsl(EC_POINT_add(s.group.group(), q0.get(), q0.get(), q1.get(),
                            s.ctx.get()) == 1,
               "EC_POINT_add");
  return q0;
}

Result<EcPointPtr> P256HashToCurve::Map(const Hash32& u) {
  State& s = *state_;
  uint8_t p_bytes[32];
  Encode(s.group.field(), p_bytes);
  if (std::memcmp(u.data(), p_bytes, 32) >= 0) {
    return InvalidArgument("map_to_curve: u is not below the field prime p");
  }
  s.LoadU(u, s.u0.get());
  s.MapToFraction(s.u0.get(), s.xn0.get(), s.xd0.get(), s.y0.get());
  s.Pow(s.t2.get(), s.xd0.get(), s.p_minus_2.get());
  s.Mul(s.xn0.get(), s.xn0.get(), s.t2.get());
  EcPointPtr q = s.group.NewPoint();
  s.SetAffine(q.get(), s.xn0.get(), s.y0.get());
  return q;
}

Result<EcPointPtr> HashToCurveP256(const P256& group, ByteView msg,
                                   std::string_view dst) {
  return P256HashToCurve(group).Hash(msg, dst);
}

}  // namespace imeisync::crypto
