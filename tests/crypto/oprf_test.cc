// RFC 9497 OPRF (mode 0) and VOPRF (mode 1) with P256-SHA256: every vector
// of Appendix A for those modes, from tests/vectors/oprf/p256_sha256.json
// (copied unchanged from ../shared/vectors/; its POPRF mode 2 vectors are
// not implemented and skipped); refused tampering and malformed input; and
// the round-trip law Finalize(Blind, BlindEvaluate) == Evaluate over random
// inputs with a printed seed.
#include "crypto/oprf.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "base/hex.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::crypto {
namespace {

using testing::TempDir;

Bytes Unhex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  BOOST_TEST_REQUIRE(bytes.ok(), bytes.status().ToString());
  return *bytes;
}

// The vectors join a batch's values with commas.
std::vector<std::string> Split(const nlohmann::json& field) {
  const std::string text = field.get<std::string>();
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

const nlohmann::json& Vectors() {
  static const nlohmann::json all = [] {
    std::ifstream in(std::string(IMEISYNC_TEST_VECTORS) +
                     "/oprf/p256_sha256.json");
    BOOST_TEST_REQUIRE(in.good());
    return nlohmann::json::parse(in);
  }();
  return all;
}

const nlohmann::json& SuiteFor(int mode) {
  for (const auto& suite : Vectors()) {
    if (suite["mode"] == mode) {
      BOOST_TEST_REQUIRE(suite["identifier"] == "P256-SHA256");
      return suite;
    }
  }
  BOOST_FAIL("no vectors for mode " << mode);
  throw 0;  // unreachable: BOOST_FAIL throws
}

OprfPrivateKey KeyFor(const nlohmann::json& suite, OprfMode mode) {
  auto key = OprfPrivateKey::DeriveKeyPair(
      Unhex(suite["seed"].get<std::string>()),
      Unhex(suite["keyInfo"].get<std::string>()), mode);
  BOOST_TEST_REQUIRE(key.ok(), key.status().ToString());
  return std::move(*key);
}

std::vector<ByteView> Views(const std::vector<P256Element>& elements) {
  return std::vector<ByteView>(elements.begin(), elements.end());
}

std::string Imei14(std::mt19937_64& rng) {
  std::string s(14, '0');
  for (char& c : s) c = static_cast<char>('0' + rng() % 10);
  return s;
}

BOOST_AUTO_TEST_SUITE(oprf_vectors)

BOOST_AUTO_TEST_CASE(context_string_gives_the_vectors_group_dst) {
  for (int mode : {0, 1}) {
    const auto& suite = SuiteFor(mode);
    const std::string dst =
        "HashToGroup-" + OprfContextString(static_cast<OprfMode>(mode));
    BOOST_TEST(HexEncode(AsBytes(dst)) == suite["groupDST"].get<std::string>());
  }
}

BOOST_AUTO_TEST_CASE(mode0_oprf_matches_rfc9497) {
  const auto& suite = SuiteFor(0);
  OprfPrivateKey key = KeyFor(suite, OprfMode::kOprf);
  BOOST_TEST(key.ToFileContents() == suite["skSm"].get<std::string>() + "\n");
  OprfServer server(OprfMode::kOprf, key);
  OprfClient client(OprfMode::kOprf);
  size_t elements = 0;
  for (const auto& v : suite["vectors"]) {
    const auto inputs = Split(v["Input"]);
    const auto blinds = Split(v["Blind"]);
    const auto blinded = Split(v["BlindedElement"]);
    const auto evaluated = Split(v["EvaluationElement"]);
    const auto outputs = Split(v["Output"]);
    BOOST_TEST_REQUIRE(inputs.size() == v["Batch"].get<size_t>());
    for (size_t i = 0; i < inputs.size(); ++i) {
      BOOST_TEST_CONTEXT("input " << inputs[i]) {
        const Bytes input = Unhex(inputs[i]);
        auto b = client.BlindWithScalar(input, Unhex(blinds[i]));
        BOOST_TEST_REQUIRE(b.ok(), b.status().ToString());
        BOOST_TEST(HexEncode(b->blinded_element) == blinded[i]);
        auto e = server.BlindEvaluate(b->blinded_element);
        BOOST_TEST_REQUIRE(e.ok(), e.status().ToString());
        BOOST_TEST(HexEncode(*e) == evaluated[i]);
        auto out = client.Finalize(input, b->blind, *e);
        BOOST_TEST_REQUIRE(out.ok(), out.status().ToString());
        BOOST_TEST(HexEncode(*out) == outputs[i]);
        auto direct = server.Evaluate(input);
        BOOST_TEST_REQUIRE(direct.ok());
        BOOST_TEST(HexEncode(*direct) == outputs[i]);
        ++elements;
      }
    }
  }
  BOOST_TEST(elements == 2u);
}

BOOST_AUTO_TEST_CASE(mode1_voprf_matches_rfc9497_including_batches) {
  const auto& suite = SuiteFor(1);
  OprfPrivateKey key = KeyFor(suite, OprfMode::kVoprf);
  BOOST_TEST(key.ToFileContents() == suite["skSm"].get<std::string>() + "\n");
  BOOST_TEST(HexEncode(key.PublicKey()) == suite["pkSm"].get<std::string>());
  OprfServer server(OprfMode::kVoprf, key);
  BOOST_TEST(HexEncode(server.public_key()) ==
             suite["pkSm"].get<std::string>());
  OprfClient client(OprfMode::kVoprf);
  size_t vectors = 0, batched = 0, elements = 0;
  for (const auto& v : suite["vectors"]) {
    const auto inputs = Split(v["Input"]);
    const auto blinds = Split(v["Blind"]);
    const auto blinded = Split(v["BlindedElement"]);
    const auto evaluated = Split(v["EvaluationElement"]);
    const auto outputs = Split(v["Output"]);
    const size_t batch = v["Batch"].get<size_t>();
    BOOST_TEST_REQUIRE(inputs.size() == batch);
    BOOST_TEST_CONTEXT("vector " << vectors << ", batch " << batch) {
      std::vector<OprfBlindedInput> b;
      std::vector<P256Element> blinded_elements;
      for (size_t i = 0; i < batch; ++i) {
        auto one = client.BlindWithScalar(Unhex(inputs[i]), Unhex(blinds[i]));
        BOOST_TEST_REQUIRE(one.ok(), one.status().ToString());
        BOOST_TEST(HexEncode(one->blinded_element) == blinded[i]);
        blinded_elements.push_back(one->blinded_element);
        b.push_back(std::move(*one));
      }
      auto eval = server.BlindEvaluateBatchWithNonce(
          Views(blinded_elements), Unhex(v["Proof"]["r"].get<std::string>()));
      BOOST_TEST_REQUIRE(eval.ok(), eval.status().ToString());
      BOOST_TEST_REQUIRE(eval->evaluated_elements.size() == batch);
      for (size_t i = 0; i < batch; ++i) {
        BOOST_TEST(HexEncode(eval->evaluated_elements[i]) == evaluated[i]);
      }
      BOOST_TEST(HexEncode(eval->proof) ==
                 v["Proof"]["proof"].get<std::string>());
      Status verified =
          client.VerifyProof(server.public_key(), Views(blinded_elements),
                             Views(eval->evaluated_elements), eval->proof);
      BOOST_TEST(verified.ok(), verified.ToString());
      for (size_t i = 0; i < batch; ++i) {
        const Bytes input = Unhex(inputs[i]);
        auto out =
            client.Finalize(input, b[i].blind, eval->evaluated_elements[i]);
        BOOST_TEST_REQUIRE(out.ok(), out.status().ToString());
        BOOST_TEST(HexEncode(*out) == outputs[i]);
        BOOST_TEST(HexEncode(*server.Evaluate(input)) == outputs[i]);
        ++elements;
      }
      ++vectors;
      if (batch > 1) ++batched;
    }
  }
  BOOST_TEST(vectors == 3u);
  BOOST_TEST(batched == 1u);
  BOOST_TEST(elements == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

// A mode 1 batch of four IMEIs, evaluated with a proof, for tampering.
struct VoprfBatch {
  VoprfBatch()
      : key(*OprfPrivateKey::FromHex(std::string(64, '1'))),
        server(OprfMode::kVoprf, key),
        client(OprfMode::kVoprf) {
    for (const char* imei : {"35209900176148", "49015420323751",
                             "35209900000000", "01234567890123"}) {
      auto b = client.Blind(AsBytes(imei));
      BOOST_TEST_REQUIRE(b.ok());
      blinded.push_back(b->blinded_element);
    }
    auto e = server.BlindEvaluateBatch(Views(blinded));
    BOOST_TEST_REQUIRE(e.ok(), e.status().ToString());
    evaluated = e->evaluated_elements;
    proof = Bytes(e->proof.begin(), e->proof.end());
  }

  Status Verify() {
    return client.VerifyProof(server.public_key(), Views(blinded),
                              Views(evaluated), proof);
  }

  OprfPrivateKey key;
  OprfServer server;
  OprfClient client;
  std::vector<P256Element> blinded;
  std::vector<P256Element> evaluated;
  Bytes proof;
};

void ExpectDoesNotVerify(const Status& status) {
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(status.message().find("proof does not verify") == 0u,
             status.message());
}

BOOST_AUTO_TEST_SUITE(voprf_proof)

BOOST_AUTO_TEST_CASE(an_honest_batch_verifies) {
  VoprfBatch b;
  BOOST_TEST(b.Verify().ok(), b.Verify().ToString());
}

BOOST_AUTO_TEST_CASE(a_flipped_bit_in_c_is_refused) {
  VoprfBatch b;
  b.proof[31] ^= 0x02;
  ExpectDoesNotVerify(b.Verify());
}

BOOST_AUTO_TEST_CASE(a_flipped_bit_in_s_is_refused) {
  VoprfBatch b;
  b.proof[63] ^= 0x01;
  ExpectDoesNotVerify(b.Verify());
}

BOOST_AUTO_TEST_CASE(swapped_evaluated_elements_are_refused) {
  VoprfBatch b;
  std::swap(b.evaluated[0], b.evaluated[2]);
  ExpectDoesNotVerify(b.Verify());
}

BOOST_AUTO_TEST_CASE(swapped_blinded_elements_are_refused) {
  VoprfBatch b;
  std::swap(b.blinded[1], b.blinded[3]);
  ExpectDoesNotVerify(b.Verify());
}

BOOST_AUTO_TEST_CASE(another_public_key_is_refused) {
  VoprfBatch b;
  auto other = OprfPrivateKey::FromHex(std::string(64, '2'));
  BOOST_TEST_REQUIRE(other.ok());
  ExpectDoesNotVerify(b.client.VerifyProof(other->PublicKey(), Views(b.blinded),
                                           Views(b.evaluated), b.proof));
}

BOOST_AUTO_TEST_CASE(an_element_evaluated_under_another_key_is_refused) {
  VoprfBatch b;
  OprfServer other(OprfMode::kVoprf,
                   *OprfPrivateKey::FromHex(std::string(64, '2')));
  b.evaluated[1] = *other.BlindEvaluate(b.blinded[1]);
  ExpectDoesNotVerify(b.Verify());
}

BOOST_AUTO_TEST_CASE(a_proof_for_a_sub_batch_is_refused) {
  VoprfBatch b;
  const std::vector<ByteView> blinded = Views(b.blinded);
  const std::vector<ByteView> evaluated = Views(b.evaluated);
  ExpectDoesNotVerify(
      b.client.VerifyProof(b.server.public_key(), std::span(blinded).first(3),
                           std::span(evaluated).first(3), b.proof));
  Status mismatched = b.client.VerifyProof(
      b.server.public_key(), blinded, std::span(evaluated).first(3), b.proof);
  BOOST_TEST(mismatched.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(mismatched.message().find("4 blinded elements but 3") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_proofs_are_refused) {
  VoprfBatch b;
  const Bytes honest = b.proof;
  b.proof.pop_back();
  BOOST_TEST(b.Verify().message().find("proof must be 64 bytes, got 63") !=
             std::string::npos);
  b.proof = honest;
  std::fill(b.proof.begin(), b.proof.begin() + 32, 0xff);
  BOOST_TEST(b.Verify().message().find("proof's c: scalar is not below") == 0u);
  b.proof = honest;
  std::fill(b.proof.begin() + 32, b.proof.end(), 0xff);
  BOOST_TEST(b.Verify().message().find("proof's s: scalar is not below") == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_elements_in_a_proof_batch_are_named) {
  VoprfBatch b;
  b.evaluated[2][0] = 0x04;
  Status bad_evaluated = b.Verify();
  BOOST_TEST(bad_evaluated.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(bad_evaluated.message().find("evaluated element 2: ") == 0u,
             bad_evaluated.message());
  const std::vector<ByteView> evaluated = Views(b.evaluated);
  std::vector<ByteView> blinded = Views(b.blinded);
  const Bytes short_element(32, 0x02);
  blinded[1] = short_element;
  Status bad_blinded =
      b.client.VerifyProof(b.server.public_key(), blinded, evaluated, b.proof);
  BOOST_TEST(bad_blinded.message().find("blinded element 1: ") == 0u,
             bad_blinded.message());
  Status bad_key =
      b.client.VerifyProof(Bytes(33, 0), Views(b.blinded), evaluated, b.proof);
  BOOST_TEST(bad_key.message().find("public key: ") == 0u, bad_key.message());
}

BOOST_AUTO_TEST_CASE(proofs_belong_to_mode_1) {
  OprfPrivateKey key = *OprfPrivateKey::FromHex(std::string(64, '3'));
  OprfServer server(OprfMode::kOprf, key);
  OprfClient client(OprfMode::kOprf);
  auto b = client.Blind(AsBytes("35209900176148"));
  BOOST_TEST_REQUIRE(b.ok());
  const std::vector<ByteView> one = {b->blinded_element};
  BOOST_TEST(server.BlindEvaluateBatch(one).status().code() ==
             StatusCode::kFailedPrecondition);
  BOOST_TEST(
      client.VerifyProof(server.public_key(), one, one, Bytes(64, 1)).code() ==
      StatusCode::kFailedPrecondition);
  OprfServer voprf(OprfMode::kVoprf, key);
  BOOST_TEST(voprf.BlindEvaluateBatch({}).status().code() ==
             StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(oprf_malformed_input)

// Each kind of malformed element, and the words its message must hold.
std::vector<std::pair<Bytes, std::string>> MalformedElements() {
  P256 group;
  Bytes x_is_p(33);
  x_is_p[0] = 0x02;
  BN_bn2binpad(group.field(), x_is_p.data() + 1, 32);
  // x = 1 is not on P-256: 1 - 3 + b is not a square mod p (p256_test
  // checks the decoder against BN_kronecker).
  Bytes off_curve(33, 0);
  off_curve[0] = 0x02;
  off_curve[32] = 1;
  Bytes uncompressed(65, 0x11);
  uncompressed[0] = 0x04;
  Bytes bad_prefix(33, 0x11);
  bad_prefix[0] = 0x08;
  return {{Bytes(32, 0x02), "must be 33 bytes"},
          {Bytes(34, 0x02), "must be 33 bytes"},
          {{}, "empty"},
          {bad_prefix, "starts with byte 0x08"},
          {uncompressed, "uncompressed or hybrid"},
          {x_is_p, "not below the field prime"},
          {Bytes(33, 0), "identity"},
          {Bytes{0}, "identity"}};
}

BOOST_AUTO_TEST_CASE(x_equal_1_is_off_the_curve) {
  P256 group;
  BnCtxPtr ctx(BN_CTX_new());
  Bytes off_curve(33, 0);
  off_curve[0] = 0x02;
  off_curve[32] = 1;
  auto p = group.DeserializeElement(off_curve, ctx.get());
  BOOST_TEST(p.status().message().find("not on P-256") != std::string::npos,
             p.status().message());
}

BOOST_AUTO_TEST_CASE(servers_refuse_malformed_blinded_elements) {
  OprfPrivateKey key = *OprfPrivateKey::FromHex(std::string(64, '4'));
  OprfServer server(OprfMode::kVoprf, key);
  OprfClient client(OprfMode::kVoprf);
  auto good = client.Blind(AsBytes("35209900176148"));
  BOOST_TEST_REQUIRE(good.ok());
  for (const auto& [bytes, words] : MalformedElements()) {
    BOOST_TEST_CONTEXT(HexEncode(bytes) << " (" << words << ")") {
      auto single = server.BlindEvaluate(bytes);
      BOOST_TEST(single.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(single.status().message().find("blinded element: ") == 0u);
      BOOST_TEST(single.status().message().find(words) != std::string::npos,
                 single.status().message());
      const std::vector<ByteView> batch = {good->blinded_element,
                                           good->blinded_element, bytes};
      auto batched = server.BlindEvaluateBatch(batch);
      BOOST_TEST(batched.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(batched.status().message().find("blinded element 2: ") == 0u,
                 batched.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(clients_refuse_malformed_evaluated_elements) {
  OprfClient client(OprfMode::kOprf);
  auto b = client.Blind(AsBytes("35209900176148"));
  BOOST_TEST_REQUIRE(b.ok());
  for (const auto& [bytes, words] : MalformedElements()) {
    auto out = client.Finalize(AsBytes("35209900176148"), b->blind, bytes);
    BOOST_TEST(out.status().code() == StatusCode::kInvalidArgument);
    BOOST_TEST(out.status().message().find("evaluated element: ") == 0u);
    BOOST_TEST(out.status().message().find(words) != std::string::npos,
               out.status().message());
  }
}

BOOST_AUTO_TEST_CASE(oversized_inputs_and_bad_blinds_are_refused) {
  OprfClient client(OprfMode::kOprf);
  const Bytes big(65536, 'x');
  BOOST_TEST(client.Blind(big).status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(client.Blind(Bytes(65535, 'x')).ok());
  OprfServer server(OprfMode::kOprf,
                    *OprfPrivateKey::FromHex(std::string(64, '5')));
  BOOST_TEST(server.Evaluate(big).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(
      client.BlindWithScalar(AsBytes("1"), Bytes(32, 0)).status().message() ==
      "blind is zero");
  BOOST_TEST(!client.BlindWithScalar(AsBytes("1"), Bytes(32, 0xff)).ok());
  BOOST_TEST(!client.BlindWithScalar(AsBytes("1"), Bytes(31, 1)).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(oprf_key)

BOOST_AUTO_TEST_CASE(keys_must_be_nonzero_and_below_n) {
  P256 group;
  Bytes n(32);
  BN_bn2binpad(group.order(), n.data(), 32);
  Bytes n_minus_1 = n;
  n_minus_1[31] -= 1;
  Bytes one(32, 0);
  one[31] = 1;
  BOOST_TEST(OprfPrivateKey::FromBytes(one).ok());
  BOOST_TEST(OprfPrivateKey::FromBytes(n_minus_1).ok());
  BOOST_TEST(OprfPrivateKey::FromBytes(Bytes(32, 0)).status().message() ==
             "OPRF key is zero");
  BOOST_TEST(OprfPrivateKey::FromBytes(n).status().message() ==
             "OPRF key: scalar is not below the group order n");
  BOOST_TEST(OprfPrivateKey::FromBytes(Bytes(31, 1)).status().message() ==
             "OPRF key must be 32 bytes, got 31");
}

BOOST_AUTO_TEST_CASE(key_files_round_trip_with_optional_newline) {
  TempDir dir;
  auto key = OprfPrivateKey::Generate();
  BOOST_TEST_REQUIRE(key.ok());
  const std::string contents = key->ToFileContents();
  BOOST_TEST(contents.size() == 65u);
  BOOST_TEST(contents.back() == '\n');
  const std::string hex = contents.substr(0, 64);
  for (const std::string& text : {contents, hex, hex + "\r\n"}) {
    BOOST_REQUIRE(
        WriteFileAtomic(dir.File("k"), AsBytes(text), 0600, Overwrite::kYes)
            .ok());
    auto loaded = OprfPrivateKey::LoadFile(dir.File("k"));
    BOOST_TEST_REQUIRE(loaded.ok(), loaded.status().ToString());
    BOOST_TEST(loaded->ToFileContents() == contents);
    BOOST_TEST((loaded->PublicKey() == key->PublicKey()));
  }
}

BOOST_AUTO_TEST_CASE(malformed_key_files_name_the_path_never_the_key) {
  TempDir dir;
  const std::string path = dir.File("k");
  const std::string hex = std::string(62, 'a') + "0b";
  P256 group;
  Bytes n(32);
  BN_bn2binpad(group.order(), n.data(), 32);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "found 0"},
      {hex.substr(0, 62) + "\n", "found 62"},
      {hex + "\n\n", "found 65"},
      {hex.substr(0, 63) + "g", "'g' at position 64"},
      {std::string(64, '0'), "OPRF key is zero"},
      {HexEncode(n), "not below the group order"},
  };
  for (const auto& [text, words] : cases) {
    BOOST_TEST_CONTEXT("contents \"" << text << "\"") {
      BOOST_REQUIRE(
          WriteFileAtomic(path, AsBytes(text), 0600, Overwrite::kYes).ok());
      auto key = OprfPrivateKey::LoadFile(path);
      BOOST_TEST(key.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(key.status().message().find("OPRF key file " + path) == 0u,
                 key.status().message());
      BOOST_TEST(key.status().message().find(words) != std::string::npos,
                 key.status().message());
      if (text.size() >= 16) {
        BOOST_TEST(key.status().message().find(text.substr(0, 16)) ==
                   std::string::npos);
      }
    }
  }
  BOOST_TEST(OprfPrivateKey::LoadFile(dir.File("absent")).status().code() ==
             StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(generated_keys_differ_and_have_compressed_public_keys) {
  auto a = OprfPrivateKey::Generate();
  auto b = OprfPrivateKey::Generate();
  BOOST_TEST_REQUIRE((a.ok() && b.ok()));
  BOOST_TEST(a->ToFileContents() != b->ToFileContents());
  const P256Element pk = a->PublicKey();
  BOOST_TEST((pk[0] == 0x02 || pk[0] == 0x03));
  BOOST_TEST((OprfServer(OprfMode::kVoprf, *a).public_key() == pk));
}

BOOST_AUTO_TEST_CASE(a_moved_from_key_is_wiped) {
  OprfPrivateKey a = *OprfPrivateKey::FromHex(std::string(64, '6'));
  OprfPrivateKey b = std::move(a);
  BOOST_TEST(b.ToFileContents() == std::string(64, '6') + "\n");
  BOOST_TEST(a.ToFileContents() == std::string(64, '0') + "\n");  // NOLINT
}

BOOST_AUTO_TEST_CASE(derive_key_pair_checks_its_arguments) {
  BOOST_TEST(OprfPrivateKey::DeriveKeyPair(Bytes(31, 0xa3), {}, OprfMode::kOprf)
                 .status()
                 .message() == "DeriveKeyPair: seed must be 32 bytes, got 31");
  BOOST_TEST(!OprfPrivateKey::DeriveKeyPair(Bytes(32, 0xa3), Bytes(65536, 0),
                                            OprfMode::kOprf)
                  .ok());
  // The mode is part of the derivation (the vectors' skSm differ too).
  auto k0 = OprfPrivateKey::DeriveKeyPair(Bytes(32, 7), {}, OprfMode::kOprf);
  auto k1 = OprfPrivateKey::DeriveKeyPair(Bytes(32, 7), {}, OprfMode::kVoprf);
  BOOST_TEST(k0->ToFileContents() != k1->ToFileContents());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(oprf_property)

constexpr int kIterations = 200;

BOOST_AUTO_TEST_CASE(voprf_batches_verify_and_finalize_to_evaluate) {
  std::mt19937_64 rng(testing::TestSeed("voprf_round_trip"));
  Bytes seed(32);
  for (uint8_t& byte : seed) byte = static_cast<uint8_t>(rng());
  auto key = OprfPrivateKey::DeriveKeyPair(seed, AsBytes("property"),
                                           OprfMode::kVoprf);
  BOOST_TEST_REQUIRE(key.ok());
  OprfServer server(OprfMode::kVoprf, *key);
  OprfServer other(OprfMode::kVoprf,
                   *OprfPrivateKey::FromHex(std::string(64, '7')));
  OprfClient client(OprfMode::kVoprf);
  size_t elements = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const size_t batch = 1 + rng() % 4;
    std::vector<std::string> inputs;
    std::vector<OprfBlindedInput> blinded;
    std::vector<P256Element> blinded_elements;
    for (size_t i = 0; i < batch; ++i) {
      inputs.push_back(Imei14(rng));
      auto b = client.Blind(AsBytes(inputs.back()));
      BOOST_TEST_REQUIRE(b.ok());
      blinded_elements.push_back(b->blinded_element);
      blinded.push_back(std::move(*b));
    }
    auto eval = server.BlindEvaluateBatch(Views(blinded_elements));
    BOOST_TEST_REQUIRE(eval.ok(), eval.status().ToString());
    const Status verified =
        client.VerifyProof(server.public_key(), Views(blinded_elements),
                           Views(eval->evaluated_elements), eval->proof);
    BOOST_TEST_REQUIRE(verified.ok(), "iteration " << iteration << ": "
                                                   << verified.ToString());
    for (size_t i = 0; i < batch; ++i) {
      auto out = client.Finalize(AsBytes(inputs[i]), blinded[i].blind,
                                 eval->evaluated_elements[i]);
      auto direct = server.Evaluate(AsBytes(inputs[i]));
      BOOST_TEST_REQUIRE((out.ok() && direct.ok()));
      BOOST_TEST_REQUIRE((*out == *direct),
                         "iteration " << iteration << " input " << inputs[i]);
      BOOST_TEST((*out != *other.Evaluate(AsBytes(inputs[i]))));
      ++elements;
    }
  }
  BOOST_TEST(elements >= static_cast<size_t>(kIterations));
}

BOOST_AUTO_TEST_CASE(oprf_blind_evaluate_finalizes_to_evaluate) {
  std::mt19937_64 rng(testing::TestSeed("oprf_round_trip"));
  Bytes seed(32);
  for (uint8_t& byte : seed) byte = static_cast<uint8_t>(rng());
  auto key = OprfPrivateKey::DeriveKeyPair(seed, {}, OprfMode::kOprf);
  BOOST_TEST_REQUIRE(key.ok());
  OprfServer server(OprfMode::kOprf, *key);
  OprfClient client(OprfMode::kOprf);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    // Mostly IMEIs; every fourth input is random bytes of random length.
    std::string input;
    if (iteration % 4 == 3) {
      input.resize(rng() % 100);
      for (char& c : input) c = static_cast<char>(rng());
    } else {
      input = Imei14(rng);
    }
    auto b = client.Blind(AsBytes(input));
    BOOST_TEST_REQUIRE(b.ok());
    auto e = server.BlindEvaluate(b->blinded_element);
    BOOST_TEST_REQUIRE(e.ok());
    auto out = client.Finalize(AsBytes(input), b->blind, *e);
    auto direct = server.Evaluate(AsBytes(input));
    BOOST_TEST_REQUIRE((out.ok() && direct.ok()));
    BOOST_TEST_REQUIRE((*out == *direct), "iteration " << iteration);
  }
}

BOOST_AUTO_TEST_CASE(blinding_hides_the_input) {
  // Two blinds of one input give unrelated blinded elements.
  OprfClient client(OprfMode::kOprf);
  auto a = client.Blind(AsBytes("35209900176148"));
  auto b = client.Blind(AsBytes("35209900176148"));
  BOOST_TEST_REQUIRE((a.ok() && b.ok()));
  BOOST_TEST((a->blinded_element != b->blinded_element));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
