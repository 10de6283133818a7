// RFC 9380 known answers for P256_XMD:SHA-256_SSWU_RO_ (Appendix J.1.1):
// every vector's P = hash_to_curve(msg), and Q0 / Q1 = map_to_curve(u0 / u1),
// from tests/vectors/hash-to-curve/ (copied unchanged from
// ../shared/vectors/).
#include "crypto/hash_to_curve.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/hex.h"
#include "tests/crypto/h2c_vectors.h"

namespace imeisync::crypto {
namespace {

using testing::FieldElement;
using testing::LoadH2cVectors;

// The affine coordinates of `point` as "x,y" in the vectors' hex.
std::string Affine(const P256& group, const EC_POINT* point) {
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr x(BN_new()), y(BN_new());
  BOOST_TEST_REQUIRE(EC_POINT_get_affine_coordinates(group.group(), point,
                                                     x.get(), y.get(),
                                                     ctx.get()) == 1);
  Hash32 xb, yb;
  BN_bn2binpad(x.get(), xb.data(), 32);
  BN_bn2binpad(y.get(), yb.data(), 32);
  return "0x" + HexEncode(xb) + ",0x" + HexEncode(yb);
}

std::string Expected(const nlohmann::json& point) {
  return point["x"].get<std::string>() + "," + point["y"].get<std::string>();
}

BOOST_AUTO_TEST_SUITE(hash_to_curve)

BOOST_AUTO_TEST_CASE(p256_sswu_ro_matches_rfc9380_j11) {
  const nlohmann::json v = LoadH2cVectors("p256_xmd_sha256_sswu_ro.json");
  const std::string dst = v["dst"];
  P256 group;
  P256HashToCurve h2c(group);  // one instance for all: reuse keeps no state
  size_t checked = 0;
  for (const auto& t : v["vectors"]) {
    const std::string msg = t["msg"];
    BOOST_TEST_CONTEXT("msg \"" << msg.substr(0, 20) << "\"") {
      auto p = h2c.Hash(AsBytes(msg), dst);
      BOOST_TEST_REQUIRE(p.ok(), p.status().ToString());
      BOOST_TEST(Affine(group, p->get()) == Expected(t["P"]));
      auto one_shot = HashToCurveP256(group, AsBytes(msg), dst);
      BOOST_TEST_REQUIRE(one_shot.ok());
      BOOST_TEST(Affine(group, one_shot->get()) == Expected(t["P"]));
      BOOST_TEST_REQUIRE(t["u"].size() == 2u);
      for (int i = 0; i < 2; ++i) {
        auto q = h2c.Map(FieldElement(t["u"][i]));
        BOOST_TEST_REQUIRE(q.ok(), q.status().ToString());
        BOOST_TEST(Affine(group, q->get()) == Expected(t[i == 0 ? "Q0" : "Q1"]),
                   "Q" << i);
      }
      ++checked;
    }
  }
  BOOST_TEST(checked == 5u);
}

BOOST_AUTO_TEST_CASE(map_refuses_u_not_below_p) {
  P256 group;
  P256HashToCurve h2c(group);
  Hash32 p;
  BN_bn2binpad(group.field(), p.data(), 32);
  auto at_p = h2c.Map(p);
  BOOST_TEST(at_p.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(at_p.status().message().find("not below the field prime") !=
             std::string::npos);
  Hash32 below = p;
  below[31] -= 1;
  BOOST_TEST(h2c.Map(below).ok());
  // u = 0 is a valid field element (the map's exceptional case tv2 = 0).
  BOOST_TEST(h2c.Map(Hash32{}).ok());
}

BOOST_AUTO_TEST_CASE(empty_dst_is_refused) {
  P256 group;
  auto p = HashToCurveP256(group, AsBytes("abc"), "");
  BOOST_TEST(p.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(outputs_are_on_the_curve_and_depend_on_msg_and_dst) {
  P256 group;
  P256HashToCurve h2c(group);
  BnCtxPtr ctx(BN_CTX_new());
  auto a = h2c.Hash(AsBytes("35209900176148"), "DST-A");
  auto b = h2c.Hash(AsBytes("35209900176149"), "DST-A");
  auto c = h2c.Hash(AsBytes("35209900176148"), "DST-B");
  auto a_again = h2c.Hash(AsBytes("35209900176148"), "DST-A");
  BOOST_TEST_REQUIRE((a.ok() && b.ok() && c.ok() && a_again.ok()));
  for (const auto* p : {&a, &b, &c}) {
    BOOST_TEST(EC_POINT_is_on_curve(group.group(), (*p)->get(), ctx.get()) ==
               1);
  }
  const EC_GROUP* g = group.group();
  BOOST_TEST(EC_POINT_cmp(g, a->get(), a_again->get(), ctx.get()) == 0);
  BOOST_TEST(EC_POINT_cmp(g, a->get(), b->get(), ctx.get()) == 1);
  BOOST_TEST(EC_POINT_cmp(g, a->get(), c->get(), ctx.get()) == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
