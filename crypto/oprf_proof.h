// The batched DLEQ proof of RFC 9497 2.2, with A = G and B = pkS: one proof
// that every D[i] = k * C[i] for the k with pkS = k * G.
//
//   seed = SHA-256(I2OSP(33, 2) || Bm || I2OSP(len(seedDST), 2) || seedDST)
//   d_i  = HashToScalar(I2OSP(32, 2) || seed || I2OSP(i, 2) ||
//                       I2OSP(33, 2) || C[i] || I2OSP(33, 2) || D[i] ||
//                       "Composite")
//   M = sum d_i * C[i],  Z = sum d_i * D[i]  (the prover: Z = k * M)
//   c = HashToScalar(I2OSP(33, 2) || Bm || ... M, Z, t2, t3 likewise ... ||
//                    "Challenge"),  proof = c || s  (64 bytes)
//
// where Bm = SerializeElement(pkS), seedDST = "Seed-" || contextString and
// HashToScalar uses DST "HashToScalar-" || contextString. Internal to the
// OPRF code: crypto/oprf.h is the API.
#ifndef IMEISYNC_CRYPTO_OPRF_PROOF_H_
#define IMEISYNC_CRYPTO_OPRF_PROOF_H_

#include <array>
#include <span>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/p256.h"

namespace imeisync::crypto {

inline constexpr size_t kOprfProofBytes = 64;
using OprfProof = std::array<uint8_t, kOprfProofBytes>;

// At most 65535 elements: the index i is written in two bytes.
inline constexpr size_t kMaxOprfBatch = 65535;

// One batch: C[i] and D[i] decoded, and the canonical 33-byte encodings
// that the transcripts hash. REQUIRES: all spans have the same size, 1 to
// kMaxOprfBatch, and c_bytes[i] / d_bytes[i] encode c[i] / d[i]; except
// that `d` may be empty for GenerateDleqProof, which does not read it.
struct DleqBatch {
  std::span<const EC_POINT* const> c;
  std::span<const ByteView> c_bytes;
  std::span<const EC_POINT* const> d;
  std::span<const ByteView> d_bytes;
};

// GenerateProof(k, G, pkS, C, D) with nonce `r`, using ComputeCompositesFast
// (Z = k * M). REQUIRES: pk = k * G, D[i] = k * C[i], k and r in [1, n-1].
// Fails only if a composite or commitment is the identity, which needs a
// hash collision or a nonce of zero.
Result<OprfProof> GenerateDleqProof(const P256& group, BN_CTX* ctx,
                                    std::string_view context_string,
                                    const BIGNUM* k, const P256Element& pk,
                                    const DleqBatch& batch, const BIGNUM* r);

// VerifyProof(G, pkS, C, D, proof). InvalidArgument if `proof` is not 64
// bytes or c or s is not below n, and "proof does not verify: ..." if it is
// not a proof for these elements under this key.
Status VerifyDleqProof(const P256& group, BN_CTX* ctx,
                       std::string_view context_string, const EC_POINT* pk,
                       const P256Element& pk_bytes, const DleqBatch& batch,
                       ByteView proof);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_OPRF_PROOF_H_
