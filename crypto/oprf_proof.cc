#include "crypto/oprf_proof.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <vector>

#include "crypto/constant_time.h"
#include "crypto/hash_to_field.h"
#include "crypto/sha256.h"

namespace imeisync::crypto {
namespace {

constexpr std::string_view kComposite = "Composite";
constexpr std::string_view kChallenge = "Challenge";

void AppendU16(Bytes& out, size_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// I2OSP(len(v), 2) || v. REQUIRES: v.size() <= 65535.
void AppendPrefixed(Bytes& out, ByteView v) {
  AppendU16(out, v.size());
  out.insert(out.end(), v.begin(), v.end());
}

BnPtr ScalarToBn(const Hash32& bytes) {
  BnPtr bn(BN_bin2bn(bytes.data(), 32, nullptr));
  CheckOpenSsl(bn != nullptr, "BN_bin2bn");
  return bn;
}

// The weights d_i of ComputeComposites (RFC 9497 2.2.1). Public values:
// they hash only public elements.
Result<std::vector<BnPtr>> CompositeWeights(std::string_view context,
                                            const P256Element& pk_bytes,
                                            const DleqBatch& batch) {
  assert(!batch.c.empty() && batch.c.size() <= kMaxOprfBatch &&
         batch.c_bytes.size() == batch.c.size() &&
         (batch.d.empty() || batch.d.size() == batch.c.size()) &&
         batch.d_bytes.size() == batch.c.size());
  const std::string seed_dst = "Seed-" + std::string(context);
  Bytes transcript;
  AppendPrefixed(transcript, pk_bytes);
  AppendPrefixed(transcript, AsBytes(seed_dst));
  const Hash32 seed = Sha256(transcript);
  const std::string dst = "HashToScalar-" + std::string(context);
  std::vector<BnPtr> weights;
  weights.reserve(batch.c.size());
  for (size_t i = 0; i < batch.c.size(); ++i) {
    transcript.clear();
    AppendPrefixed(transcript, seed);
    AppendU16(transcript, i);
    AppendPrefixed(transcript, batch.c_bytes[i]);
    AppendPrefixed(transcript, batch.d_bytes[i]);
    transcript.insert(transcript.end(), kComposite.begin(), kComposite.end());
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 d, HashToScalarP256(transcript, dst));
    weights.push_back(ScalarToBn(d));
  }
  return weights;
}

// M = sum weights[i] * points[i].
EcPointPtr Combine(const P256& group, BN_CTX* ctx,
                   std::span<const EC_POINT* const> points,
                   const std::vector<BnPtr>& weights) {
  std::vector<const BIGNUM*> scalars(weights.size());
  std::transform(weights.begin(), weights.end(), scalars.begin(),
                 [](const BnPtr& w) { return w.get(); });
  EcPointPtr out = group.NewPoint();
  group.SumOfProducts(out.get(), points, scalars, ctx);
  return out;
}

// c = HashToScalar(challengeTranscript) (RFC 9497 2.2.1 GenerateProof).
// InvalidArgument if one of the four points is the identity.
Result<Hash32> Challenge(const P256& group, BN_CTX* ctx,
                         std::string_view context, const P256Element& pk_bytes,
                         const EC_POINT* m, const EC_POINT* z,
                         const EC_POINT* t2, const EC_POINT* t3) {
  Bytes transcript;
  transcript.reserve(5 * (2 + kP256ElementBytes) + kChallenge.size());
  AppendPrefixed(transcript, pk_bytes);
  for (const EC_POINT* point : {m, z, t2, t3}) {
    IMEISYNC_ASSIGN_OR_RETURN(P256Element a,
                              group.SerializeElement(point, ctx));
    AppendPrefixed(transcript, a);
  }
  transcript.insert(transcript.end(), kChallenge.begin(), kChallenge.end());
  return HashToScalarP256(transcript, "HashToScalar-" + std::string(context));
}

// a - b mod n for a, b < n, 32-byte big-endian, in constant time: the
// borrow of a - b becomes a mask that adds n back.
P256Scalar SubModOrder(const P256& group, const P256Scalar& a,
                       const P256Scalar& b) {
  P256Scalar n;
  CheckOpenSsl(BN_bn2binpad(group.order(), n.data(), 32) == 32,
               "BN_bn2binpad (n)");
  // Eight 32-bit limbs, least significant first, with 64-bit arithmetic.
  auto limbs = [](const P256Scalar& v) {
    std::array<uint64_t, 8> out{};
    for (int i = 0; i < 32; ++i) out[7 - i / 4] = (out[7 - i / 4] << 8) | v[i];
    return out;
  };
  const auto x = limbs(a), y = limbs(b), m = limbs(n);
  std::array<uint64_t, 8> d{};
  uint64_t borrow = 0;
  for (int i = 0; i < 8; ++i) {
    const uint64_t t = x[i] - y[i] - borrow;
    d[i] = t & 0xffffffff;
    borrow = (t >> 32) & 1;
  }
  const uint64_t mask = (0 - borrow) & 0xffffffff;
  uint64_t carry = 0;
  for (int i = 0; i < 8; ++i) {
    const uint64_t t = d[i] + (m[i] & mask) + carry;
    d[i] = t & 0xffffffff;
    carry = t >> 32;
  }
  P256Scalar out;
  for (int i = 0; i < 32; ++i)
    out[i] = static_cast<uint8_t>(d[7 - i / 4] >> (24 - 8 * (i % 4)));
  return out;
}

}  // namespace

Result<OprfProof> GenerateDleqProof(const P256& group, BN_CTX* ctx,
                                    std::string_view context_string,
                                    const BIGNUM* k, const P256Element& pk,
                                    const DleqBatch& batch, const BIGNUM* r) {
  const EC_GROUP* g = group.group();
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<BnPtr> weights,
                            CompositeWeights(context_string, pk, batch));
  // ComputeCompositesFast: Z = k * M spares the sum over D.
  EcPointPtr m = Combine(group, ctx, batch.c, weights);
  EcPointPtr z = group.NewPoint();
  EcPointPtr t2 = group.NewPoint();
  EcPointPtr t3 = group.NewPoint();
  CheckOpenSsl(EC_POINT_mul(g, z.get(), nullptr, m.get(), k, ctx) == 1 &&
                   EC_POINT_mul(g, t2.get(), r, nullptr, nullptr, ctx) == 1 &&
                   EC_POINT_mul(g, t3.get(), nullptr, m.get(), r, ctx) == 1,
               "EC_POINT_mul (GenerateProof)");
  auto c = Challenge(group, ctx, context_string, pk, m.get(), z.get(), t2.get(),
                     t3.get());
  if (!c.ok()) return c.status().WithContext("GenerateProof");
  // s = r - c * k mod n, with no branch on k: x = c * k mod n by
  // Montgomery multiplication (c into Montgomery form first), then the
  // subtraction on fixed-width limbs. BN_mod_sub would branch on r < x.
  BnPtr c_bn = ScalarToBn(*c);
  BnPtr c_mont = P256::NewSecretBn();
  BnPtr x = P256::NewSecretBn();
  CheckOpenSsl(BN_to_montgomery(c_mont.get(), c_bn.get(), group.order_mont(),
                                ctx) == 1 &&
                   BN_mod_mul_montgomery(x.get(), c_mont.get(), k,
                                         group.order_mont(), ctx) == 1,
               "BN_mod_mul_montgomery (GenerateProof)");
  P256Scalar x_bytes = group.SerializeScalar(x.get());
  P256Scalar r_bytes = group.SerializeScalar(r);
  const P256Scalar s_bytes = SubModOrder(group, r_bytes, x_bytes);
  OPENSSL_cleanse(x_bytes.data(), x_bytes.size());
  OPENSSL_cleanse(r_bytes.data(), r_bytes.size());
  OprfProof proof;
  std::copy(c->begin(), c->end(), proof.begin());
  std::copy(s_bytes.begin(), s_bytes.end(), proof.begin() + kP256ScalarBytes);
  return proof;
}

Status VerifyDleqProof(const P256& group, BN_CTX* ctx,
                       std::string_view context_string, const EC_POINT* pk,
                       const P256Element& pk_bytes, const DleqBatch& batch,
                       ByteView proof) {
  if (proof.size() != kOprfProofBytes) {
    return InvalidArgument("proof must be 64 bytes, got " +
                           std::to_string(proof.size()));
  }
  BnPtr c = P256::NewSecretBn();
  BnPtr s = P256::NewSecretBn();
  Status parsed = group.DeserializeScalar(proof.first(32), c.get());
  if (!parsed.ok()) return parsed.WithContext("proof's c");
  parsed = group.DeserializeScalar(proof.subspan(32), s.get());
  if (!parsed.ok()) return parsed.WithContext("proof's s");

  IMEISYNC_ASSIGN_OR_RETURN(std::vector<BnPtr> weights,
                            CompositeWeights(context_string, pk_bytes, batch));
  EcPointPtr m = Combine(group, ctx, batch.c, weights);
  EcPointPtr z = Combine(group, ctx, batch.d, weights);
  // t2 = s * G + c * pkS; t3 = s * M + c * Z.
  EcPointPtr t2 = group.NewPoint();
  EcPointPtr t3 = group.NewPoint();
  CheckOpenSsl(
      EC_POINT_mul(group.group(), t2.get(), s.get(), pk, c.get(), ctx) == 1,
      "EC_POINT_mul (VerifyProof)");
  const EC_POINT* mz[] = {m.get(), z.get()};
  const BIGNUM* sc[] = {s.get(), c.get()};
  group.SumOfProducts(t3.get(), mz, sc, ctx);
  auto expected = Challenge(group, ctx, context_string, pk_bytes, m.get(),
                            z.get(), t2.get(), t3.get());
  if (!expected.ok()) {
    return InvalidArgument("proof does not verify: " +
                           expected.status().message());
  }
  if (!ConstantTimeEqual(*expected, proof.first(32))) {
    return InvalidArgument(
        "proof does not verify: the evaluated elements are not all the "
        "blinded elements times the key of this public key");
  }
  return Status::Ok();
}

}  // namespace imeisync::crypto
