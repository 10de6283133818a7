#include "node/federation/bundle.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "base/base64.h"
#include "crypto/oprf_key.h"

namespace imeisync::node::federation {
namespace {

struct Fixture {
  crypto::Ed25519PrivateKey federation_key =
      *crypto::Ed25519PrivateKey::Generate();
  crypto::Ed25519PrivateKey ministry_key =
      *crypto::Ed25519PrivateKey::Generate();
  crypto::Ed25519PrivateKey beeline_key =
      *crypto::Ed25519PrivateKey::Generate();

  // The same bundle in oprf mode, the ministry evaluating with `key`.
  Bundle MakeOprf(const crypto::OprfPrivateKey& key) const {
    Bundle b = Make();
    b.mode = TagMode::kOprf;
    const crypto::P256Element pk = key.PublicKey();
    b.oprf = OprfParams{Bytes(pk.begin(), pk.end()), "ministry", 1000};
    return b;
  }

  Bundle Make() const {
    Bundle b{3,
             "kz",
             TagMode::kSalted,
             1,
             federation_key.public_key(),
             "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
             {},
             DefaultPolicy(),
             std::nullopt,
             {}};
    b.members.push_back({"ministry", Role::kMinistry, ministry_key.public_key(),
                         "127.0.0.1:7001", std::nullopt});
    b.members.push_back({"beeline", Role::kOperator, beeline_key.public_key(),
                         "", std::nullopt});
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

BOOST_FIXTURE_TEST_CASE(oprf_table_round_trips_and_sets_budgets, Fixture) {
  auto key = crypto::OprfPrivateKey::Generate();
  BOOST_TEST_REQUIRE(key.ok());
  Bundle b = MakeOprf(*key);
  b.members.push_back(
      {"auditor", Role::kAuditor, beeline_key.public_key(), "", std::nullopt});
  b.members.push_back(
      {"kcell", Role::kOperator, ministry_key.public_key(), "", uint64_t{7}});
  const std::string text = FormatBundle(b);
  BOOST_TEST(text.find("[oprf]\npublic_key = \"") != std::string::npos, text);
  auto parsed = ParseBundle(text);
  BOOST_TEST_REQUIRE(parsed.ok(), parsed.status().ToString());
  BOOST_TEST(FormatBundle(*parsed) == text);
  BOOST_TEST_REQUIRE(parsed->oprf.has_value());
  BOOST_TEST((*parsed->oprf == *b.oprf));
  // Operators get the default, a member's own figure wins, the ministry
  // and auditors get none.
  BOOST_TEST(OprfBudget(*parsed, *parsed->FindMember("beeline")) == 1000u);
  BOOST_TEST(OprfBudget(*parsed, *parsed->FindMember("kcell")) == 7u);
  BOOST_TEST(OprfBudget(*parsed, *parsed->FindMember("ministry")) == 0u);
  BOOST_TEST(OprfBudget(*parsed, *parsed->FindMember("auditor")) == 0u);
  BOOST_TEST(OprfBudget(Make(), *parsed->FindMember("beeline")) == 0u);

  // A linked foreign member: its link's budget wins over its own, which
  // wins over the default.
  b.members.push_back(
      {"uz", Role::kForeign, beeline_key.public_key(), "", uint64_t{50}});
  Link link;
  link.member = "uz";
  link.exporter = "ministry";
  b.links.push_back(link);
  auto linked = ParseBundle(FormatBundle(b));
  BOOST_TEST_REQUIRE(linked.ok(), linked.status().ToString());
  BOOST_TEST(OprfBudget(*linked, *linked->FindMember("uz")) == 50u);
  b.links[0].oprf_budget = 9;
  linked = ParseBundle(FormatBundle(b));
  BOOST_TEST_REQUIRE(linked.ok(), linked.status().ToString());
  BOOST_TEST((linked->links[0].oprf_budget == std::optional<uint64_t>(9)));
  BOOST_TEST(OprfBudget(*linked, *linked->FindMember("uz")) == 9u);
  // Without its link, a foreign member gets no default budget.
  b.links.clear();
  b.members.back().oprf_budget.reset();
  linked = ParseBundle(FormatBundle(b));
  BOOST_TEST_REQUIRE(linked.ok(), linked.status().ToString());
  BOOST_TEST(OprfBudget(*linked, *linked->FindMember("uz")) == 0u);
}

BOOST_FIXTURE_TEST_CASE(oprf_table_is_checked, Fixture) {
  auto key = crypto::OprfPrivateKey::Generate();
  BOOST_TEST_REQUIRE(key.ok());
  const std::string good = FormatBundle(MakeOprf(*key));
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, from);
    return text.replace(at, from.size(), to);
  };
  // oprf mode without the table; the table in salted mode.
  const size_t table = good.find("\n[oprf]");
  const size_t end = good.find("\n[policy]");
  std::string no_table = good;
  no_table.erase(table, end - table);
  BOOST_TEST(ParseError(no_table).find("[oprf] table is missing") !=
             std::string::npos);
  BOOST_TEST(ParseError(replaced("mode = \"oprf\"", "mode = \"salted\""))
                 .find("mode is salted") != std::string::npos);
  // A public key that is no curve point, or not hex.
  const std::string hex = good.substr(good.find("public_key = \"") + 14, 66);
  std::string off_curve = hex;
  off_curve[0] = '0';
  off_curve[1] = '4';
  BOOST_TEST(ParseError(replaced(hex, off_curve)).find("oprf.public_key") !=
             std::string::npos);
  BOOST_TEST(ParseError(replaced(hex, hex.substr(2))).find("oprf.public_key") !=
             std::string::npos);
  // The evaluator must be a ministry member.
  BOOST_TEST(ParseError(replaced("evaluator = \"ministry\"",
                                 "evaluator = \"beeline\""))
                 .find("not a ministry member") != std::string::npos);
  BOOST_TEST(
      ParseBundle(replaced("evaluator = \"ministry\"", "evaluator = \"\""))
          .ok());
  // A member's budget only in oprf mode; unknown keys are refused.
  std::string salted = FormatBundle(Make());
  salted.replace(salted.find("endpoint = "), 0, "oprf_budget = 5\n");
  BOOST_TEST(ParseError(salted).find("oprf_budget is set but mode is salted") !=
             std::string::npos);
  BOOST_TEST(ParseError(replaced("budget = 1000", "budgets = 1000"))
                 .find("unknown key oprf.budgets") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_new_oprf_key_needs_a_new_epoch, Fixture) {
  auto key = crypto::OprfPrivateKey::Generate();
  auto other = crypto::OprfPrivateKey::Generate();
  BOOST_TEST_REQUIRE((key.ok() && other.ok()));
  const Bundle current = MakeOprf(*key);
  Bundle next = MakeOprf(*other);
  next.version = current.version + 1;
  BOOST_TEST(CheckSuccessor(current, next).code() ==
             StatusCode::kFailedPrecondition);
  next.epoch = current.epoch + 1;
  BOOST_TEST(CheckSuccessor(current, next).ok());
  // Back to the earlier epoch, even with the later key: refused, or tags
  // cached under the earlier key would be served again.
  Bundle back = MakeOprf(*other);
  back.version = next.version + 1;
  back.epoch = current.epoch;
  BOOST_TEST(CheckSuccessor(next, back).message().find("goes back") !=
             std::string::npos);
  // Same key, new version: fine. Another mode: never.
  Bundle same = MakeOprf(*key);
  same.version = current.version + 1;
  BOOST_TEST(CheckSuccessor(current, same).ok());
  Bundle salted = Make();
  salted.version = current.version + 1;
  BOOST_TEST(CheckSuccessor(current, salted).message().find("tag mode") !=
             std::string::npos);
}

// Make() with foreign member "uz" and its link.
Bundle MakeLinked(const Fixture& f) {
  Bundle b = f.Make();
  b.members.push_back({"uz", Role::kForeign, f.beeline_key.public_key(),
                       "127.0.0.1:7009", std::nullopt});
  Link link;
  link.member = "uz";
  link.exporter = "ministry";
  b.links.push_back(link);
  return b;
}

BOOST_FIXTURE_TEST_CASE(links_round_trip_with_their_defaults, Fixture) {
  Bundle b = MakeLinked(*this);
  b.links[0].export_reasons = {Reason::kStolen};
  b.links[0].imported = ImportTreatment::kEnforce;
  const std::string text = FormatBundle(b);
  auto parsed = ParseBundle(text);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  BOOST_TEST(FormatBundle(*parsed) == text);
  BOOST_REQUIRE(parsed->links.size() == 1u);
  BOOST_TEST((parsed->links[0] == b.links[0]));
  BOOST_TEST(parsed->FindLink("uz") != nullptr);
  BOOST_TEST(parsed->FindLink("beeline") == nullptr);

  // Omitted keys take the defaults: STOLEN and LOST out, BLOCK and CLEAR
  // FOREIGN_STOLEN in, grey-only.
  std::string minimal = FormatBundle(Make());
  minimal += "\n[[member]]\nid = \"uz\"\nrole = \"foreign\"\nkey = \"" +
             Base64Encode(beeline_key.public_key().raw()) +
             "\"\n\n[[link]]\nmember = \"uz\"\nexporter = \"ministry\"\n";
  // [[member]] after [policy] is still the root array in TOML.
  auto defaults = ParseBundle(minimal);
  BOOST_REQUIRE_MESSAGE(defaults.ok(), defaults.status().message());
  BOOST_REQUIRE(defaults->links.size() == 1u);
  const Link& l = defaults->links[0];
  BOOST_TEST(
      (l.export_reasons == std::set<Reason>{Reason::kStolen, Reason::kLost}));
  BOOST_TEST(
      (l.imports.actions == std::set<Action>{Action::kBlock, Action::kClear}));
  BOOST_TEST((l.imports.reasons == std::set<Reason>{Reason::kForeignStolen}));
  BOOST_TEST((l.imported == ImportTreatment::kGreyOnly));
  BOOST_TEST(!l.oprf_budget.has_value());
}

BOOST_FIXTURE_TEST_CASE(a_link_narrows_its_member_and_nobody_else, Fixture) {
  Bundle b = MakeLinked(*this);
  b.links[0].imports.actions = {Action::kBlock};
  b.links[0].imports.reasons = {Reason::kForeignStolen, Reason::kStolen};
  // The role allows BLOCK and CLEAR FOREIGN_STOLEN; the link BLOCK of
  // FOREIGN_STOLEN or STOLEN: the member may issue what both allow.
  RolePolicy uz = AllowanceOf(b, *b.FindMember("uz"));
  BOOST_TEST((uz.actions == std::set<Action>{Action::kBlock}));
  BOOST_TEST((uz.reasons == std::set<Reason>{Reason::kForeignStolen}));
  BOOST_TEST((AllowanceOf(b, *b.FindMember("beeline")) ==
              b.policy.roles.at(Role::kOperator)));
  // Without a link a foreign member may issue nothing.
  b.links.clear();
  RolePolicy none = AllowanceOf(b, *b.FindMember("uz"));
  BOOST_TEST(none.actions.empty());
  BOOST_TEST(none.reasons.empty());
}

BOOST_FIXTURE_TEST_CASE(malformed_links_name_the_problem, Fixture) {
  const std::string good = FormatBundle(MakeLinked(*this));
  BOOST_REQUIRE(ParseBundle(good).ok());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const size_t at = t.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return t.replace(at, from.size(), to);
  };
  // Errors name the [[link]] table by index and line.
  const std::string line = std::to_string(
      1 + std::count(good.begin(), good.begin() + good.find("[[link]]"), '\n'));
  BOOST_TEST(ParseError(with("member = \"uz\"", "member = \"beeline\"")) ==
             "bundle: link[0] (line " + line +
                 "): member \"beeline\" is not a foreign "
                 "member");
  BOOST_TEST(
      ParseError(with("exporter = \"ministry\"", "exporter = \"beeline\"")) ==
      "bundle: link[0] (line " + line +
          "): exporter \"beeline\" is not a "
          "ministry member");
  BOOST_TEST(ParseError(with("export_reasons = [\"STOLEN\", \"LOST\"]",
                             "export_reasons = [\"REGISTRY\"]"))
                 .find("export_reasons may not hold REGISTRY") !=
             std::string::npos);
  BOOST_TEST(ParseError(with("import_actions = [\"BLOCK\", \"CLEAR\"]",
                             "import_actions = [\"ALLOW\"]"))
                 .find("import_actions may hold only BLOCK and CLEAR, not "
                       "ALLOW") != std::string::npos);
  BOOST_TEST(ParseError(with("imported = \"grey-only\"", "imported = \"grey\""))
                 .find("imported \"grey\" is none of grey-only, enforce, "
                       "ignore") != std::string::npos);
  BOOST_TEST(ParseError(with("imported = \"grey-only\"",
                             "imported = \"grey-only\"\nbudget = 3"))
                 .find("unknown key link[0].budget") != std::string::npos);
  BOOST_TEST(ParseError(with("imported = \"grey-only\"",
                             "imported = \"grey-only\"\noprf_budget = 3"))
                 .find("oprf_budget is set but mode is salted") !=
             std::string::npos);
  BOOST_TEST(ParseError(good + "\n[[link]]\nmember = \"uz\"\nexporter = "
                               "\"ministry\"\n")
                 .find("a second link for member \"uz\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::federation
