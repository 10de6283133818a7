// What a node's bundle says of one origin (node/core/bundle_holder.h
// TermsOf): asked once per pull, from one bundle version.
#include "node/core/bundle_holder.h"

#include <boost/test/unit_test.hpp>

#include "tests/support/node_federation.h"

namespace imeisync::testing {
namespace {

using node::Reason;
using node::federation::Role;

BOOST_FIXTURE_TEST_SUITE(bundle_holder, NodeFederation)

BOOST_AUTO_TEST_CASE(terms_name_the_member_its_allowance_and_every_witness) {
  auto terms = op1().bundles().TermsOf("imeisync/kz/op2");
  BOOST_TEST_REQUIRE(terms.ok(), terms.status().ToString());
  BOOST_TEST(terms->member.id == "op2");
  BOOST_TEST((terms->member.role == Role::kOperator));
  const node::federation::Member* op2 = bundle().FindMember("op2");
  BOOST_TEST_REQUIRE(op2 != nullptr);
  BOOST_TEST(
      (terms->allowance == node::federation::AllowanceOf(bundle(), *op2)));
  BOOST_TEST(terms->allowance.reasons.count(Reason::kStolen) == 1u);
  BOOST_TEST(terms->self_may_hold);
  BOOST_TEST(terms->bundle_version == bundle().version);
  BOOST_TEST(terms->witness_keys.size() == 3u);
}

BOOST_AUTO_TEST_CASE(terms_of_an_origin_the_bundle_does_not_list_say_why) {
  struct Case {
    const char* origin;
    StatusCode code;
    const char* says;
  };
  for (const Case& c : {
           Case{"imeisync/kz/op9", StatusCode::kNotFound, "names no member"},
           Case{"imeisync/uz/op1", StatusCode::kInvalidArgument,
                "not in federation kz"},
           Case{"imeisync/kz/OP1", StatusCode::kInvalidArgument, "node id"},
           Case{"imeisync/kz/ministry/export/uz", StatusCode::kNotFound,
                "has a link for"},
       }) {
    auto terms = op1().bundles().TermsOf(c.origin);
    BOOST_TEST_REQUIRE(!terms.ok(), c.origin);
    BOOST_TEST((terms.status().code() == c.code), c.origin);
    BOOST_TEST(terms.status().message().find(c.says) != std::string::npos,
               terms.status().message());
  }
}

BOOST_AUTO_TEST_CASE(terms_keep_the_bundle_version_they_were_asked_under) {
  auto before = op1().bundles().TermsOf("imeisync/kz/op2");
  BOOST_TEST_REQUIRE(before.ok(), before.status().ToString());
  BOOST_TEST_REQUIRE(Reissue(
                         [](node::federation::Bundle& b) {
                           b.policy.roles[Role::kOperator].reasons.erase(
                               Reason::kLost);
                         },
                         op1())
                         .ok());
  auto after = op1().bundles().TermsOf("imeisync/kz/op2");
  BOOST_TEST_REQUIRE(after.ok(), after.status().ToString());
  BOOST_TEST(after->bundle_version == before->bundle_version + 1);
  BOOST_TEST(after->allowance.reasons.count(Reason::kLost) == 0u);
  BOOST_TEST(before->allowance.reasons.count(Reason::kLost) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
