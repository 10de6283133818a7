#include "node/federation/bundle.h"

#include <boost/test/unit_test.hpp>

namespace imeisync::node::federation {
namespace {

struct Fixture {
  crypto::Ed25519PrivateKey federation_key =
      *crypto::Ed25519PrivateKey::Generate();
  crypto::Ed25519PrivateKey ministry_key =
      *crypto::Ed25519PrivateKey::Generate();
  crypto::Ed25519PrivateKey beeline_key =
      *crypto::Ed25519PrivateKey::Generate();

  Bundle Make() const {
    Bundle b{3,
             "kz",
             TagMode::kSalted,
             1,
             federation_key.public_key(),
             "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
             {},
             DefaultPolicy()};
    b.members.push_back({"ministry", Role::kMinistry, ministry_key.public_key(),
                         "127.0.0.1:7001"});
    b.members.push_back(
        {"beeline", Role::kOperator, beeline_key.public_key(), ""});
    b.policy.registration_required = true;
    b.policy.grace_days = 30;
    return b;
  }
};

std::string ParseError(const std::string& text) {
  auto b = ParseBundle(text);
  BOOST_TEST_REQUIRE(!b.ok(), "expected a rejection");
  BOOST_TEST(b.status().code() == StatusCode::kInvalidArgument);
  return b.status().message();
}

BOOST_AUTO_TEST_SUITE(bundle)

BOOST_FIXTURE_TEST_CASE(format_and_parse_round_trip, Fixture) {
  Bundle b = Make();
  std::string text = FormatBundle(b);
  auto parsed = ParseBundle(text);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  BOOST_TEST(FormatBundle(*parsed) == text);
  BOOST_TEST(parsed->version == 3u);
  BOOST_TEST(parsed->federation == "kz");
  BOOST_TEST(parsed->ca_certificate == b.ca_certificate);
  BOOST_TEST(parsed->federation_key.raw() == federation_key.public_key().raw());
  BOOST_REQUIRE(parsed->members.size() == 2u);
  const Member* beeline = parsed->FindMember("beeline");
  BOOST_REQUIRE(beeline != nullptr);
  BOOST_TEST((beeline->role == Role::kOperator));
  BOOST_TEST(beeline->key.raw() == beeline_key.public_key().raw());
  BOOST_TEST(parsed->FindMember("ministry")->endpoint == "127.0.0.1:7001");
  BOOST_TEST(parsed->policy.grace_days == 30u);
  BOOST_TEST(parsed->policy.registration_required);
  BOOST_TEST((parsed->policy.enforced == b.policy.enforced));
  BOOST_TEST((parsed->policy.grey_only == b.policy.grey_only));
}

BOOST_AUTO_TEST_CASE(default_policy_gives_each_role_its_actions) {
  Policy p = DefaultPolicy();
  BOOST_TEST(Allows(p, Role::kOperator, Action::kBlock, Reason::kStolen));
  BOOST_TEST(Allows(p, Role::kOperator, Action::kClear, Reason::kLost));
  BOOST_TEST(!Allows(p, Role::kOperator, Action::kRegister, Reason::kRegistry));
  BOOST_TEST(
      !Allows(p, Role::kOperator, Action::kBlock, Reason::kUnregistered));
  BOOST_TEST(Allows(p, Role::kMinistry, Action::kRegister, Reason::kRegistry));
  BOOST_TEST(Allows(p, Role::kMinistry, Action::kAllow, Reason::kCourtOrder));
  BOOST_TEST(!Allows(p, Role::kAuditor, Action::kBlock, Reason::kStolen));
  BOOST_TEST(Allows(p, Role::kForeign, Action::kBlock, Reason::kForeignStolen));
  BOOST_TEST(!Allows(p, Role::kForeign, Action::kBlock, Reason::kStolen));
  BOOST_TEST(p.grey_only.count(Reason::kForeignStolen) == 1u);
}

BOOST_FIXTURE_TEST_CASE(signatures_bind_the_exact_bytes, Fixture) {
  std::string text = FormatBundle(Make());
  std::string sig = SignBundle(text, federation_key);
  BOOST_TEST(
      VerifyBundleSignature(text, sig, federation_key.public_key()).ok());
  std::string tampered = text;
  tampered.replace(tampered.find("grace_days = 30"), 15, "grace_days = 99");
  BOOST_TEST(VerifyBundleSignature(tampered, sig, federation_key.public_key())
                 .message() ==
             "bundle signature: Ed25519 signature does not verify");
  BOOST_TEST(!VerifyBundleSignature(text, sig, ministry_key.public_key()).ok());
  BOOST_TEST(
      VerifyBundleSignature(text, "not base64!\n", federation_key.public_key())
          .message()
          .find("bundle signature: base64") == 0u);
}

BOOST_FIXTURE_TEST_CASE(only_a_newer_bundle_of_the_same_federation_succeeds,
                        Fixture) {
  Bundle current = Make();
  Bundle next = Make();
  next.version = 4;
  BOOST_TEST(CheckSuccessor(current, next).ok());
  BOOST_TEST(CheckSuccessor(next, current).message() ==
             "bundle version 3 is not newer than the current version 4");
  BOOST_TEST(CheckSuccessor(current, current).code() ==
             StatusCode::kFailedPrecondition);
  Bundle other = Make();
  other.version = 9;
  other.federation = "uz";
  BOOST_TEST(CheckSuccessor(current, other).code() ==
             StatusCode::kFailedPrecondition);
}

BOOST_FIXTURE_TEST_CASE(malformed_bundles_name_the_problem, Fixture) {
  const std::string good = FormatBundle(Make());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    size_t at = t.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, from);
    return t.replace(at, from.size(), to);
  };
  BOOST_TEST(
      ParseError("version = \n").find("bundle: TOML syntax error at line 1") ==
      0u);
  BOOST_TEST(ParseError(with("grace_days", "grace_dayz"))
                 .find("unknown key policy.grace_dayz") != std::string::npos);
  BOOST_TEST(
      ParseError(with("version = 3\n", "")).find("bundle.version is missing") !=
      std::string::npos);
  BOOST_TEST(ParseError(with("version = 3", "version = -3"))
                 .find("non-negative integer") != std::string::npos);
  BOOST_TEST(
      ParseError(with("\"salted\"", "\"plain\"")).find("mode \"plain\"") !=
      std::string::npos);
  BOOST_TEST(ParseError(with("federation = \"kz\"", "federation = \"KZ\""))
                 .find("[a-z0-9-]") != std::string::npos);
  BOOST_TEST(ParseError(with("id = \"beeline\"", "id = \"ministry\""))
                 .find("appears twice") != std::string::npos);
  BOOST_TEST(ParseError(with("role = \"operator\"", "role = \"admin\""))
                 .find("unknown role") != std::string::npos);
  BOOST_TEST(ParseError(with("\"FOREIGN_STOLEN\"", "\"FORIEGN_STOLEN\""))
                 .find("unknown name \"FORIEGN_STOLEN\"") != std::string::npos);
  const std::string key =
      good.substr(good.find("\nkey = \"", good.find("[[member]]")) + 8, 44);
  BOOST_TEST(ParseError(with(key, key.substr(0, 40))).find("member[0].key") !=
             std::string::npos);
  BOOST_TEST(ParseError(with("[policy]\n", "[policies]\n"))
                 .find("unknown key policies") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(node_ids_are_lower_case_alphanumerics_and_dashes) {
  BOOST_TEST(IsValidNodeId("kz-ministry-1"));
  BOOST_TEST(!IsValidNodeId(""));
  BOOST_TEST(!IsValidNodeId("Beeline"));
  BOOST_TEST(!IsValidNodeId("a_b"));
  BOOST_TEST(!IsValidNodeId(std::string(33, 'a')));
  BOOST_TEST(IsValidNodeId(std::string(32, 'a')));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::federation
