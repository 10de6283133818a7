// P256's element and scalar encodings (RFC 9497 4.3): what is accepted, and
// that every kind of malformed element is refused with a message saying
// what was wrong.
#include "crypto/p256.h"

#include <boost/test/unit_test.hpp>
#include <vector>

#include "base/hex.h"

namespace imeisync::crypto {
namespace {

// The generator G, compressed: known from SEC 2.
constexpr char kGeneratorHex[] =
    "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";

Bytes Unhex(std::string_view hex) { return *HexDecode(hex); }

Bytes ScalarBytes(const BIGNUM* bn) {
  Bytes out(32);
  BN_bn2binpad(bn, out.data(), 32);
  return out;
}

// 0x02 || x for the smallest x >= 1 for which x^3 - 3x + b is (is not) a
// square mod p: decided with BN_kronecker, independently of the decoder.
Bytes CompressedWithX(const P256& group, bool on_curve) {
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr x(BN_new()), rhs(BN_new()), t(BN_new());
  for (unsigned long i = 1;; ++i) {
    BN_set_word(x.get(), i);
    BN_mod_sqr(rhs.get(), x.get(), group.field(), ctx.get());
    BN_mod_mul(rhs.get(), rhs.get(), x.get(), group.field(), ctx.get());
    BN_set_word(t.get(), 3 * i);
    BN_mod_sub(rhs.get(), rhs.get(), t.get(), group.field(), ctx.get());
    BN_mod_add(rhs.get(), rhs.get(), group.b(), group.field(), ctx.get());
    const int symbol = BN_kronecker(rhs.get(), group.field(), ctx.get());
    if ((symbol == 1) == on_curve && symbol != 0) {
      Bytes out(33);
      out[0] = 0x02;
      BN_bn2binpad(x.get(), out.data() + 1, 32);
      return out;
    }
  }
}

void ExpectRefused(const P256& group, ByteView bytes,
                   const std::string& message_part) {
  BnCtxPtr ctx(BN_CTX_new());
  auto point = group.DeserializeElement(bytes, ctx.get());
  BOOST_TEST(point.status().code() == StatusCode::kInvalidArgument,
             HexEncode(bytes));
  BOOST_TEST(point.status().message().find(message_part) != std::string::npos,
             point.status().message() << " lacks \"" << message_part << "\"");
}

BOOST_AUTO_TEST_SUITE(p256)

BOOST_AUTO_TEST_CASE(generator_round_trips_through_its_sec1_encoding) {
  P256 group;
  BnCtxPtr ctx(BN_CTX_new());
  auto g = group.DeserializeElement(Unhex(kGeneratorHex), ctx.get());
  BOOST_TEST_REQUIRE(g.ok(), g.status().ToString());
  BOOST_TEST(EC_POINT_cmp(group.group(), g->get(),
                          EC_GROUP_get0_generator(group.group()),
                          ctx.get()) == 0);
  auto bytes = group.SerializeElement(g->get(), ctx.get());
  BOOST_TEST_REQUIRE(bytes.ok());
  BOOST_TEST(HexEncode(*bytes) == kGeneratorHex);
}

BOOST_AUTO_TEST_CASE(malformed_elements_are_refused_with_the_reason) {
  P256 group;
  const Bytes g = Unhex(kGeneratorHex);
  ExpectRefused(group, {}, "empty");
  ExpectRefused(group, Bytes(g.begin(), g.end() - 1), "33 bytes");
  Bytes longer = g;
  longer.push_back(0);
  ExpectRefused(group, longer, "got 34");
  ExpectRefused(group, Bytes{0x00}, "identity");
  ExpectRefused(group, Bytes(33, 0x00), "identity");
  Bytes bad_prefix = g;
  bad_prefix[0] = 0x05;
  ExpectRefused(group, bad_prefix, "starts with byte 0x05");
  bad_prefix[0] = 0xff;
  ExpectRefused(group, bad_prefix, "starts with byte 0xff");
  // The uncompressed and hybrid forms of G itself.
  BnCtxPtr ctx(BN_CTX_new());
  for (auto form : {POINT_CONVERSION_UNCOMPRESSED, POINT_CONVERSION_HYBRID}) {
    Bytes full(65);
    BOOST_TEST_REQUIRE(
        EC_POINT_point2oct(group.group(),
                           EC_GROUP_get0_generator(group.group()), form,
                           full.data(), full.size(), ctx.get()) == 65u);
    ExpectRefused(group, full, "uncompressed or hybrid");
  }
  Bytes x_is_p(33);
  x_is_p[0] = 0x03;
  BN_bn2binpad(group.field(), x_is_p.data() + 1, 32);
  ExpectRefused(group, x_is_p, "not below the field prime");
  ExpectRefused(group, CompressedWithX(group, false), "not on P-256");
  // The decoder agrees with BN_kronecker on a square.
  BOOST_TEST(
      group.DeserializeElement(CompressedWithX(group, true), ctx.get()).ok());
}

BOOST_AUTO_TEST_CASE(the_identity_has_no_encoding) {
  P256 group;
  BnCtxPtr ctx(BN_CTX_new());
  EcPointPtr identity = group.NewPoint();
  auto bytes = group.SerializeElement(identity.get(), ctx.get());
  BOOST_TEST(bytes.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(scalars_must_be_32_bytes_below_n) {
  P256 group;
  BnPtr s = P256::NewSecretBn();
  BnPtr n_minus_1(BN_dup(group.order()));
  BN_sub_word(n_minus_1.get(), 1);
  BOOST_TEST(
      group.DeserializeScalar(ScalarBytes(n_minus_1.get()), s.get()).ok());
  BOOST_TEST(BN_cmp(s.get(), n_minus_1.get()) == 0);
  BOOST_TEST(group.DeserializeScalar(Bytes(32, 0), s.get()).ok());
  Status at_n = group.DeserializeScalar(ScalarBytes(group.order()), s.get());
  BOOST_TEST(at_n.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(at_n.message().find("not below the group order") !=
             std::string::npos);
  BOOST_TEST(!group.DeserializeScalar(Bytes(32, 0xff), s.get()).ok());
  BOOST_TEST(!group.DeserializeScalar(Bytes(31, 1), s.get()).ok());
  BOOST_TEST(!group.DeserializeScalar(Bytes(33, 0), s.get()).ok());
  const P256Scalar round = group.SerializeScalar(n_minus_1.get());
  BOOST_TEST(Bytes(round.begin(), round.end()) == ScalarBytes(n_minus_1.get()));
}

BOOST_AUTO_TEST_CASE(random_scalars_are_nonzero_below_n_and_differ) {
  P256 group;
  BnPtr a = P256::NewSecretBn(), b = P256::NewSecretBn();
  BOOST_TEST_REQUIRE(group.RandomScalar(a.get()).ok());
  BOOST_TEST_REQUIRE(group.RandomScalar(b.get()).ok());
  for (const BIGNUM* s : {a.get(), b.get()}) {
    BOOST_TEST(!BN_is_zero(s));
    BOOST_TEST(BN_cmp(s, group.order()) < 0);
  }
  BOOST_TEST(BN_cmp(a.get(), b.get()) != 0);
}

BOOST_AUTO_TEST_CASE(sum_of_products_equals_separate_multiplications) {
  P256 group;
  BnCtxPtr ctx(BN_CTX_new());
  // 300 points: more than one 128-point chunk of SumOfProducts.
  std::vector<EcPointPtr> points;
  std::vector<BnPtr> scalars;
  std::vector<const EC_POINT*> point_ptrs;
  std::vector<const BIGNUM*> scalar_ptrs;
  EcPointPtr expected = group.NewPoint();
  EcPointPtr term = group.NewPoint();
  for (int i = 0; i < 300; ++i) {
    BnPtr base = P256::NewSecretBn();
    BOOST_TEST_REQUIRE(group.RandomScalar(base.get()).ok());
    points.push_back(group.NewPoint());
    EC_POINT_mul(group.group(), points.back().get(), base.get(), nullptr,
                 nullptr, ctx.get());
    scalars.push_back(P256::NewSecretBn());
    BOOST_TEST_REQUIRE(group.RandomScalar(scalars.back().get()).ok());
    EC_POINT_mul(group.group(), term.get(), nullptr, points.back().get(),
                 scalars.back().get(), ctx.get());
    EC_POINT_add(group.group(), expected.get(), expected.get(), term.get(),
                 ctx.get());
    point_ptrs.push_back(points.back().get());
    scalar_ptrs.push_back(scalars.back().get());
  }
  EcPointPtr sum = group.NewPoint();
  group.SumOfProducts(sum.get(), point_ptrs, scalar_ptrs, ctx.get());
  BOOST_TEST(
      EC_POINT_cmp(group.group(), sum.get(), expected.get(), ctx.get()) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
