// RFC 9497 oblivious pseudorandom functions, suite P256-SHA256: OPRF
// (mode 0) and VOPRF (mode 1). The server learns nothing of the input (an
// IMEI); the client learns F(k, input) and nothing of the key k.
//
//   client                                    server (k, pkS = k * G)
//   blind, B = Blind(input)       B[]  ->
//                                 <-   D[i] = k * B[i]  (+ one proof, mode 1)
//   VerifyProof(pkS, B[], D[], proof)  (mode 1)
//   output = Finalize(input, blind, D)
//
//   output = SHA-256(I2OSP(len(input), 2) || input ||
//                    I2OSP(33, 2) || SerializeElement(k * H(input)) ||
//                    "Finalize")
//
// where H is hash_to_curve with DST "HashToGroup-" || contextString
// (crypto/hash_to_curve.h, crypto/oprf_key.h). The server computes the same
// output directly with Evaluate(input). Elements are 33 bytes, scalars 32
// and proofs 64 (c || s); inputs are at most 65535 bytes; a batch holds 1
// to 65535 elements.
//
// Caveats:
//  - OprfClient and OprfServer hold a BN_CTX and scratch values: they are
//    not thread-safe. Use one per thread; each is reusable for any number
//    of calls.
//  - Costs on one core (AMD EPYC, OpenSSL 3.0; bench/oprf_bench.cc): server
//    BlindEvaluate 67 us an element, 86 us an element in a VOPRF batch of
//    1000 with its proof; client Blind + Finalize 206 us an input,
//    VerifyProof 65 us an element of a batch of 1000; Evaluate 118 us.
//    Building an OprfServer or OprfClient costs 62 us: for single
//    elements, keep one per thread rather than one per call.
#ifndef IMEISYNC_CRYPTO_OPRF_H_
#define IMEISYNC_CRYPTO_OPRF_H_

#include <memory>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/oprf_key.h"
#include "crypto/oprf_proof.h"
#include "crypto/p256.h"

namespace imeisync::crypto {

// The client's secret blind for one input, in [1, n-1]. Wiped on
// destruction; move-only. Keep it only until Finalize().
class OprfBlind {
 public:
  OprfBlind(OprfBlind&& other) noexcept;
  OprfBlind& operator=(OprfBlind&& other) noexcept;
  OprfBlind(const OprfBlind&) = delete;
  OprfBlind& operator=(const OprfBlind&) = delete;
  ~OprfBlind();

 private:
  friend class OprfClient;
  explicit OprfBlind(const P256Scalar& bytes) : bytes_(bytes) {}

  P256Scalar bytes_;
};

struct OprfBlindedInput {
  OprfBlind blind;              // secret: stays with the client
  P256Element blinded_element;  // sent to the server
};

class OprfClient {
 public:
  explicit OprfClient(OprfMode mode);
  OprfClient(const OprfClient&) = delete;
  OprfClient& operator=(const OprfClient&) = delete;
  ~OprfClient();

  OprfMode mode() const { return mode_; }

  // Blind(input) with a uniform blind from the OS random source.
  // InvalidArgument if `input` is above 65535 bytes or hashes to the
  // identity (probability about 2^-256); Internal if the generator fails.
  Result<OprfBlindedInput> Blind(ByteView input);
  // Blind(input) with the given 32-byte blind, for known-answer tests.
  // Also InvalidArgument if `blind` is not 32 bytes or not in [1, n-1].
  Result<OprfBlindedInput> BlindWithScalar(ByteView input, ByteView blind);

  // Finalize(input, blind, evaluatedElement): unblinds and hashes.
  // InvalidArgument if `input` is above 65535 bytes or `evaluated_element`
  // is not a valid element (P256::DeserializeElement's reasons, prefixed
  // with "evaluated element: "). In mode 1, call VerifyProof() on the batch
  // first: Finalize does not check the proof.
  Result<Hash32> Finalize(ByteView input, const OprfBlind& blind,
                          ByteView evaluated_element);

  // Mode 1: checks the server's one proof that evaluated_elements[i] =
  // k * blinded_elements[i] for all i, where public_key = k * G.
  // FailedPrecondition in mode 0. InvalidArgument if the spans differ in
  // size or are empty or above 65535 elements; if `public_key` or an element
  // is malformed (the message names it: "public key: ", "blinded element
  // 3: ", "evaluated element 3: "); if `proof` is malformed; and
  // "proof does not verify: ..." if it is not a valid proof for exactly
  // these elements, in this order, under this key.
  Status VerifyProof(ByteView public_key,
                     std::span<const ByteView> blinded_elements,
                     std::span<const ByteView> evaluated_elements,
                     ByteView proof);

 private:
  struct State;
  const OprfMode mode_;
  std::unique_ptr<State> state_;
};

struct VoprfEvaluation {
  std::vector<P256Element> evaluated_elements;  // same order as the input
  OprfProof proof;                              // one proof for the whole batch
};

class OprfServer {
 public:
  // Copies the scalar out of `key` (into a wiped BIGNUM).
  OprfServer(OprfMode mode, const OprfPrivateKey& key);
  OprfServer(const OprfServer&) = delete;
  OprfServer& operator=(const OprfServer&) = delete;
  ~OprfServer();

  OprfMode mode() const { return mode_; }
  // SerializeElement(k * G), for clients that verify proofs.
  const P256Element& public_key() const { return public_key_; }

  // k * blinded_element, without a proof (mode 0, or a mode 1 server whose
  // client checks no proof). InvalidArgument if `blinded_element` is not a
  // valid element, with P256::DeserializeElement's reason prefixed by
  // "blinded element: ".
  Result<P256Element> BlindEvaluate(ByteView blinded_element);

  // Mode 1: k * blinded_elements[i] for every i, and one proof for the
  // batch with a nonce from the OS random source. FailedPrecondition in
  // mode 0. InvalidArgument if the batch is empty or above 65535 elements,
  // or if an element is malformed: the message names its 0-based index
  // ("blinded element 3: ..."). Internal if the generator fails.
  Result<VoprfEvaluation> BlindEvaluateBatch(
      std::span<const ByteView> blinded_elements);
  // The same with the given 32-byte proof nonce r, for known-answer tests.
  // Also InvalidArgument if `r` is not 32 bytes or not in [1, n-1].
  Result<VoprfEvaluation> BlindEvaluateBatchWithNonce(
      std::span<const ByteView> blinded_elements, ByteView r);

  // The server's direct evaluation of `input`: equal to what a client gets
  // from Blind, BlindEvaluate and Finalize. InvalidArgument if `input` is
  // above 65535 bytes or hashes to the identity.
  Result<Hash32> Evaluate(ByteView input);

 private:
  struct State;
  Result<VoprfEvaluation> EvaluateBatch(
      std::span<const ByteView> blinded_elements, const BIGNUM* r);

  const OprfMode mode_;
  std::unique_ptr<State> state_;
  P256Element public_key_;
};

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_OPRF_H_
