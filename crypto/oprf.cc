#include "crypto/oprf.h"

#include <openssl/crypto.h>

#include <string>

#include "crypto/hash_to_curve.h"
#include "crypto/sha256.h"

namespace imeisync::crypto {
namespace {

constexpr size_t kMaxInputBytes = 65535;
constexpr std::string_view kFinalize = "Finalize";

Status CheckInput(ByteView input) {
  if (input.size() > kMaxInputBytes) {
    return InvalidArgument("OPRF input must be at most 65535 bytes, got " +
                           std::to_string(input.size()));
  }
  return Status::Ok();
}

Status CheckBatchSize(size_t size) {
  if (size == 0 || size > kMaxOprfBatch) {
    return InvalidArgument("a batch must hold 1 to 65535 elements, got " +
                           std::to_string(size));
  }
  return Status::Ok();
}

std::string Indexed(std::string_view what, size_t i) {
  return std::string(what) + " " + std::to_string(i);
}

// The per-thread state both sides share: the group, a BN_CTX, the
// hash-to-curve map and the hashers.
struct Common {
  explicit Common(OprfMode mode)
      : ctx(BN_CTX_secure_new()),
        h2c(group),
        context(OprfContextString(mode)),
        group_dst("HashToGroup-" + context),
        point(group.NewPoint()),
        product(group.NewPoint()) {
    CheckOpenSsl(ctx != nullptr, "BN_CTX_secure_new");
  }

  // HashToGroup(input), refusing the identity as RFC 9497 does.
  Result<EcPointPtr> HashToGroup(ByteView input) {
    IMEISYNC_RETURN_IF_ERROR(CheckInput(input));
    IMEISYNC_ASSIGN_OR_RETURN(EcPointPtr p, h2c.Hash(input, group_dst));
    if (EC_POINT_is_at_infinity(group.group(), p.get()) == 1) {
      return InvalidArgument("OPRF input hashes to the identity element");
    }
    return p;
  }

  // product = scalar * p. Constant time in `scalar` (OpenSSL's P-256 code).
  void Mul(const EC_POINT* p, const BIGNUM* scalar) {
    CheckOpenSsl(EC_POINT_mul(group.group(), product.get(), nullptr, p, scalar,
                              ctx.get()) == 1,
                 "EC_POINT_mul");
  }

  // SerializeElement(product). REQUIRES: product is not the identity, as
  // for any nonzero scalar times an element of the prime-order group.
  P256Element ProductBytes() {
    return *group.SerializeElement(product.get(), ctx.get());
  }

  // Hash(I2OSP(len(input), 2) || input || I2OSP(33, 2) || element ||
  // "Finalize"). REQUIRES: input.size() <= 65535.
  Hash32 FinalizeHash(ByteView input, const P256Element& element) {
    const uint8_t input_len[2] = {static_cast<uint8_t>(input.size() >> 8),
                                  static_cast<uint8_t>(input.size())};
    const uint8_t element_len[2] = {0, kP256ElementBytes};
    return sha.Update(input_len)
        .Update(input)
        .Update(element_len)
        .Update(element)
        .Update(AsBytes(kFinalize))
        .Finish();
  }

  P256 group;
  BnCtxPtr ctx;
  P256HashToCurve h2c;
  std::string context;
  std::string group_dst;
  Sha256Hasher sha;
  EcPointPtr point;    // scratch: a decoded element
  EcPointPtr product;  // scratch: the result of Mul
};

}  // namespace

// ---- OprfBlind -------------------------------------------------------------

OprfBlind::OprfBlind(OprfBlind&& other) noexcept : bytes_(other.bytes_) {
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
}

OprfBlind& OprfBlind::operator=(OprfBlind&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

OprfBlind::~OprfBlind() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

// ---- OprfClient ------------------------------------------------------------

struct OprfClient::State : Common {
  explicit State(OprfMode mode)
      : Common(mode),
        blind(P256::NewSecretBn()),
        inverse(P256::NewSecretBn()),
        n_minus_2(BN_dup(group.order())) {
    CheckOpenSsl(n_minus_2 != nullptr && BN_sub_word(n_minus_2.get(), 2) == 1,
                 "n - 2");
  }

  // blinded element = blind * HashToGroup(input).
  Result<P256Element> BlindInput(ByteView input) {
    IMEISYNC_ASSIGN_OR_RETURN(EcPointPtr p, HashToGroup(input));
    Mul(p.get(), blind.get());
    return ProductBytes();
  }

  BnPtr blind, inverse, n_minus_2;
};

OprfClient::OprfClient(OprfMode mode)
    : mode_(mode), state_(std::make_unique<State>(mode)) {}

OprfClient::~OprfClient() = default;

Result<OprfBlindedInput> OprfClient::Blind(ByteView input) {
  State& s = *state_;
  IMEISYNC_RETURN_IF_ERROR(s.group.RandomScalar(s.blind.get()));
  IMEISYNC_ASSIGN_OR_RETURN(P256Element blinded, s.BlindInput(input));
  return OprfBlindedInput{OprfBlind(s.group.SerializeScalar(s.blind.get())),
                          blinded};
}

Result<OprfBlindedInput> OprfClient::BlindWithScalar(ByteView input,
                                                     ByteView blind) {
  State& s = *state_;
  Status parsed = s.group.DeserializeScalar(blind, s.blind.get());
  if (!parsed.ok()) return parsed.WithContext("blind");
  if (BN_is_zero(s.blind.get())) return InvalidArgument("blind is zero");
  IMEISYNC_ASSIGN_OR_RETURN(P256Element blinded, s.BlindInput(input));
  return OprfBlindedInput{OprfBlind(s.group.SerializeScalar(s.blind.get())),
                          blinded};
}

Result<Hash32> OprfClient::Finalize(ByteView input, const OprfBlind& blind,
                                    ByteView evaluated_element) {
  State& s = *state_;
  IMEISYNC_RETURN_IF_ERROR(CheckInput(input));
  Status decoded =
      s.group.DeserializeElement(evaluated_element, s.point.get(), s.ctx.get());
  if (!decoded.ok()) return decoded.WithContext("evaluated element");
  // 1 / blind by Fermat, in constant time: blind^(n - 2) mod n.
  CheckOpenSsl(BN_bin2bn(blind.bytes_.data(), 32, s.blind.get()) != nullptr &&
                   BN_mod_exp_mont_consttime(
                       s.inverse.get(), s.blind.get(), s.n_minus_2.get(),
                       s.group.order(), s.ctx.get(), s.group.order_mont()) == 1,
               "blind inverse");
  s.Mul(s.point.get(), s.inverse.get());
  return s.FinalizeHash(input, s.ProductBytes());
}

Status OprfClient::VerifyProof(ByteView public_key,
                               std::span<const ByteView> blinded_elements,
                               std::span<const ByteView> evaluated_elements,
                               ByteView proof) {
  if (mode_ != OprfMode::kVoprf) {
    return FailedPrecondition("VerifyProof needs a mode 1 (VOPRF) client");
  }
  if (blinded_elements.size() != evaluated_elements.size()) {
    return InvalidArgument(
        "proof batch has " + std::to_string(blinded_elements.size()) +
        " blinded elements but " + std::to_string(evaluated_elements.size()) +
        " evaluated elements");
  }
  IMEISYNC_RETURN_IF_ERROR(CheckBatchSize(blinded_elements.size()));
  State& s = *state_;
  EcPointPtr pk = s.group.NewPoint();
  Status decoded =
      s.group.DeserializeElement(public_key, pk.get(), s.ctx.get());
  if (!decoded.ok()) return decoded.WithContext("public key");
  P256Element pk_bytes;
  std::copy(public_key.begin(), public_key.end(), pk_bytes.begin());

  const size_t n = blinded_elements.size();
  std::vector<EcPointPtr> owned;
  owned.reserve(2 * n);
  std::vector<const EC_POINT*> c(n), d(n);
  for (size_t i = 0; i < n; ++i) {
    owned.push_back(s.group.NewPoint());
    decoded = s.group.DeserializeElement(blinded_elements[i],
                                         owned.back().get(), s.ctx.get());
    if (!decoded.ok())
      return decoded.WithContext(Indexed("blinded element", i));
    c[i] = owned.back().get();
    owned.push_back(s.group.NewPoint());
    decoded = s.group.DeserializeElement(evaluated_elements[i],
                                         owned.back().get(), s.ctx.get());
    if (!decoded.ok()) {
      return decoded.WithContext(Indexed("evaluated element", i));
    }
    d[i] = owned.back().get();
  }
  // Decoding checked that every encoding is canonical, so the given bytes
  // are the SerializeElement() the transcripts need.
  const DleqBatch batch{c, blinded_elements, d, evaluated_elements};
  return VerifyDleqProof(s.group, s.ctx.get(), s.context, pk.get(), pk_bytes,
                         batch, proof);
}

// ---- OprfServer ------------------------------------------------------------

struct OprfServer::State : Common {
  explicit State(OprfMode mode)
      : Common(mode), k(P256::NewSecretBn()), r(P256::NewSecretBn()) {}

  BnPtr k, r;
};

OprfServer::OprfServer(OprfMode mode, const OprfPrivateKey& key)
    : mode_(mode), state_(std::make_unique<State>(mode)) {
  State& s = *state_;
  CheckOpenSsl(BN_bin2bn(key.bytes_.data(), 32, s.k.get()) != nullptr,
               "BN_bin2bn");
  CheckOpenSsl(EC_POINT_mul(s.group.group(), s.product.get(), s.k.get(),
                            nullptr, nullptr, s.ctx.get()) == 1,
               "EC_POINT_mul (public key)");
  public_key_ = s.ProductBytes();
}

OprfServer::~OprfServer() = default;

Result<P256Element> OprfServer::BlindEvaluate(ByteView blinded_element) {
  State& s = *state_;
  Status decoded =
      s.group.DeserializeElement(blinded_element, s.point.get(), s.ctx.get());
  if (!decoded.ok()) return decoded.WithContext("blinded element");
  s.Mul(s.point.get(), s.k.get());
  return s.ProductBytes();
}

Result<VoprfEvaluation> OprfServer::BlindEvaluateBatch(
    std::span<const ByteView> blinded_elements) {
  State& s = *state_;
  IMEISYNC_RETURN_IF_ERROR(s.group.RandomScalar(s.r.get()));
  return EvaluateBatch(blinded_elements, s.r.get());
}

Result<VoprfEvaluation> OprfServer::BlindEvaluateBatchWithNonce(
    std::span<const ByteView> blinded_elements, ByteView r) {
  State& s = *state_;
  Status parsed = s.group.DeserializeScalar(r, s.r.get());
  if (!parsed.ok()) return parsed.WithContext("proof nonce r");
  if (BN_is_zero(s.r.get())) return InvalidArgument("proof nonce r is zero");
  return EvaluateBatch(blinded_elements, s.r.get());
}

Result<VoprfEvaluation> OprfServer::EvaluateBatch(
    std::span<const ByteView> blinded_elements, const BIGNUM* r) {
  if (mode_ != OprfMode::kVoprf) {
    return FailedPrecondition(
        "a batch with a proof needs a mode 1 (VOPRF) server");
  }
  IMEISYNC_RETURN_IF_ERROR(CheckBatchSize(blinded_elements.size()));
  State& s = *state_;
  const size_t n = blinded_elements.size();
  std::vector<EcPointPtr> c_owned;
  c_owned.reserve(n);
  std::vector<const EC_POINT*> c(n);
  for (size_t i = 0; i < n; ++i) {
    c_owned.push_back(s.group.NewPoint());
    Status decoded = s.group.DeserializeElement(
        blinded_elements[i], c_owned.back().get(), s.ctx.get());
    if (!decoded.ok()) {
      return decoded.WithContext(Indexed("blinded element", i));
    }
    c[i] = c_owned.back().get();
  }
  VoprfEvaluation out;
  out.evaluated_elements.resize(n);
  std::vector<ByteView> d_bytes(n);
  for (size_t i = 0; i < n; ++i) {
    s.Mul(c[i], s.k.get());
    out.evaluated_elements[i] = s.ProductBytes();
    d_bytes[i] = out.evaluated_elements[i];
  }
  // The prover's composites need no D points: Z = k * M.
  const DleqBatch batch{c, blinded_elements, {}, d_bytes};
  IMEISYNC_ASSIGN_OR_RETURN(
      out.proof, GenerateDleqProof(s.group, s.ctx.get(), s.context, s.k.get(),
                                   public_key_, batch, r));
  return out;
}

Result<Hash32> OprfServer::Evaluate(ByteView input) {
  State& s = *state_;
  IMEISYNC_ASSIGN_OR_RETURN(EcPointPtr p, s.HashToGroup(input));
  s.Mul(p.get(), s.k.get());
  return s.FinalizeHash(input, s.ProductBytes());
}

}  // namespace imeisync::crypto
