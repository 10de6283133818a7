#include "node/federation/setup.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "base/file_util.h"
#include "crypto/device_tag.h"
#include "crypto/oprf_key.h"
#include "crypto/x509.h"
#include "node/federation/node_config.h"
#include "tests/support/temp_dir.h"

namespace imeisync::node::federation {
namespace {

using testing::TempDir;

std::string Read(const std::string& path) { return *ReadFile(path, 1 << 20); }

struct Fed {
  TempDir tmp;
  std::string fed = tmp.File("fed");
  Fed() {
    Status s = CreateFederation({fed, "kz", TagMode::kSalted, 3650});
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  }
  Result<uint64_t> Add(const std::string& id, Role role,
                       const std::string& endpoint = "") {
    return AddMember({fed, id, role, endpoint, tmp.File(id), 825, ""});
  }
};

BOOST_AUTO_TEST_SUITE(federation_setup)

BOOST_FIXTURE_TEST_CASE(init_writes_secrets_0600_and_a_signed_version_1_bundle,
                        Fed) {
  for (const char* secret : {"ca.key", "federation.key", "salt"}) {
    BOOST_TEST_CONTEXT(secret) {
      BOOST_TEST(*FileMode(fed + "/" + secret) == 0600u);
    }
  }
  auto bundle = LoadFederationBundle(fed);
  BOOST_REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  BOOST_TEST(bundle->version == 1u);
  BOOST_TEST(bundle->federation == "kz");
  BOOST_TEST(bundle->members.empty());
  BOOST_TEST(bundle->ca_certificate == Read(fed + "/ca.crt"));
  BOOST_TEST(crypto::Salt::LoadFile(fed + "/salt").ok());
}

BOOST_FIXTURE_TEST_CASE(a_member_gets_a_working_node_directory, Fed) {
  auto version = Add("beeline", Role::kOperator, "127.0.0.1:7002");
  BOOST_REQUIRE_MESSAGE(version.ok(), version.status().message());
  BOOST_TEST(*version == 2u);
  const std::string dir = tmp.File("beeline");
  auto config = LoadNodeConfig(dir + "/node.toml");
  BOOST_REQUIRE_MESSAGE(config.ok(), config.status().message());
  BOOST_TEST(config->id == "beeline");
  BOOST_TEST(config->data_dir == dir + "/data");
  BOOST_TEST(config->listen == "127.0.0.1:7002");
  BOOST_TEST(config->admin_socket == dir + "/admin.sock");
  for (const std::string& secret :
       {config->signing_key, config->tls_key, config->salt}) {
    BOOST_TEST_CONTEXT(secret) { BOOST_TEST(*FileMode(secret) == 0600u); }
  }
  // Its certificate chains to the federation CA and names it.
  const std::string cert = Read(config->tls_cert);
  BOOST_TEST(crypto::VerifyCertificate(cert, Read(config->ca_cert)).ok());
  BOOST_TEST(*crypto::CertificateNodeId(cert) == "beeline");
  // The bundle it holds is the federation's, names its signing key, and is
  // signed by the federation key.
  const std::string text = Read(config->bundle);
  BOOST_TEST(text == Read(fed + "/bundle.toml"));
  auto bundle = *ParseBundle(text);
  BOOST_TEST(VerifyBundleSignature(text, Read(config->bundle + ".sig"),
                                   bundle.federation_key)
                 .ok());
  auto key = *crypto::Ed25519PrivateKey::LoadPem(config->signing_key);
  BOOST_TEST(bundle.FindMember("beeline")->key.raw() == key.public_key().raw());
  BOOST_TEST(Read(config->salt) == Read(fed + "/salt"));
}

BOOST_FIXTURE_TEST_CASE(auditors_and_foreign_members_never_receive_the_salt,
                        Fed) {
  BOOST_REQUIRE(Add("audit", Role::kAuditor).ok());
  BOOST_REQUIRE(Add("uz", Role::kForeign).ok());
  BOOST_REQUIRE(Add("ministry", Role::kMinistry).ok());
  BOOST_TEST(!std::filesystem::exists(tmp.File("audit") + "/salt"));
  BOOST_TEST(!std::filesystem::exists(tmp.File("uz") + "/salt"));
  BOOST_TEST(LoadNodeConfig(tmp.File("audit") + "/node.toml")->salt.empty());
  BOOST_TEST(std::filesystem::exists(tmp.File("ministry") + "/salt"));
  BOOST_TEST(LoadFederationBundle(fed)->version == 4u);
}

BOOST_FIXTURE_TEST_CASE(a_taken_id_changes_nothing, Fed) {
  BOOST_REQUIRE(Add("beeline", Role::kOperator).ok());
  const std::string before = Read(fed + "/bundle.toml");
  auto again = AddMember(
      {fed, "beeline", Role::kOperator, "", tmp.File("beeline2"), 825, ""});
  BOOST_TEST(again.status().code() == StatusCode::kAlreadyExists);
  BOOST_TEST(Read(fed + "/bundle.toml") == before);
  BOOST_TEST(!std::filesystem::exists(tmp.File("beeline2")));
}

BOOST_FIXTURE_TEST_CASE(bad_requests_are_refused, Fed) {
  BOOST_TEST(Add("Bee", Role::kOperator).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(Add("bee", Role::kOperator, "localhost").status().message() ==
             "endpoint \"localhost\" is not host:port");
  BOOST_TEST(CreateFederation({fed, "kz", TagMode::kSalted, 3650}).code() ==
             StatusCode::kFailedPrecondition);
  BOOST_TEST(
      CreateFederation({tmp.File("o"), "Kz", TagMode::kOprf, 3650}).code() ==
      StatusCode::kInvalidArgument);
  // A tampered federation bundle stops add-member with the reason.
  std::string text = Read(fed + "/bundle.toml");
  text.replace(text.find("grace_days = 0"), 14, "grace_days = 9");
  BOOST_REQUIRE(WriteFileAtomic(fed + "/bundle.toml", AsBytes(text), 0644,
                                Overwrite::kYes)
                    .ok());
  auto tampered = Add("kcell", Role::kOperator);
  BOOST_TEST(
      tampered.status().message().find("bundle signature") != std::string::npos,
      tampered.status().message());
}

BOOST_AUTO_TEST_CASE(node_config_rejects_unknown_keys_and_bad_addresses) {
  const std::string good =
      "id = \"a\"\ndata_dir = \"d\"\nbundle = \"b\"\nsigning_key = "
      "\"k\"\ntls_key = \"t\"\n"
      "tls_cert = \"c\"\nca_cert = \"ca\"\nadmin_socket = \"s\"\n";
  auto ok = ParseNodeConfig(good, "/base");
  BOOST_REQUIRE_MESSAGE(ok.ok(), ok.status().message());
  BOOST_TEST(ok->data_dir == "/base/d");
  BOOST_TEST(ok->salt.empty());
  BOOST_TEST(
      ParseNodeConfig(good + "lisen = \"x\"\n", "/").status().message() ==
      "node.toml: unknown key lisen (line 9)");
  BOOST_TEST(ParseNodeConfig(good + "listen = \"1.2.3.4:99999\"\n", "/")
                 .status()
                 .message() ==
             "node.toml: listen \"1.2.3.4:99999\" is not host:port");
  BOOST_TEST(ParseNodeConfig("id = \"a\"\n", "/").status().message() ==
             "node.toml: data_dir is missing");
  BOOST_TEST(IsHostPort("[::1]:7001"));
  BOOST_TEST(!IsHostPort(":7001"));
}

BOOST_AUTO_TEST_CASE(oprf_mode_gives_the_key_to_the_first_ministry_only) {
  TempDir tmp;
  const std::string fed = tmp.File("fed");
  CreateFederationOptions o{fed, "kz", TagMode::kOprf, 3650, 4321};
  Status s = CreateFederation(o);
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST(*FileMode(fed + "/oprf.key") == 0600u);
  BOOST_TEST(!std::filesystem::exists(fed + "/salt"));
  auto key = crypto::OprfPrivateKey::LoadFile(fed + "/oprf.key");
  BOOST_TEST_REQUIRE(key.ok(), key.status().ToString());
  auto bundle = LoadFederationBundle(fed);
  BOOST_TEST_REQUIRE(bundle.ok(), bundle.status().ToString());
  BOOST_TEST_REQUIRE(bundle->oprf.has_value());
  const crypto::P256Element pk = key->PublicKey();
  BOOST_TEST((bundle->oprf->public_key == Bytes(pk.begin(), pk.end())));
  BOOST_TEST(bundle->oprf->evaluator.empty());
  BOOST_TEST(bundle->oprf->budget == 4321u);

  auto add = [&](const std::string& id, Role role) {
    return AddMember({fed, id, role, "", tmp.File(id), 825, ""});
  };
  BOOST_TEST_REQUIRE(add("op1", Role::kOperator).ok());
  BOOST_TEST_REQUIRE(add("ministry", Role::kMinistry).ok());
  BOOST_TEST_REQUIRE(add("ministry2", Role::kMinistry).ok());
  BOOST_TEST(Read(tmp.File("ministry") + "/oprf.key") ==
             Read(fed + "/oprf.key"));
  BOOST_TEST(*FileMode(tmp.File("ministry") + "/oprf.key") == 0600u);
  for (const char* id : {"op1", "ministry2"}) {
    BOOST_TEST_CONTEXT(id) {
      BOOST_TEST(!std::filesystem::exists(tmp.File(id) + "/oprf.key"));
      BOOST_TEST(!std::filesystem::exists(tmp.File(id) + "/salt"));
      auto config = LoadNodeConfig(tmp.File(id) + "/node.toml");
      BOOST_TEST_REQUIRE(config.ok());
      BOOST_TEST(config->oprf_key.empty());
    }
  }
  auto config = LoadNodeConfig(tmp.File("ministry") + "/node.toml");
  BOOST_TEST_REQUIRE(config.ok());
  BOOST_TEST(config->oprf_key == tmp.File("ministry") + "/oprf.key");
  bundle = LoadFederationBundle(fed);
  BOOST_TEST_REQUIRE(bundle.ok());
  BOOST_TEST(bundle->oprf->evaluator == "ministry");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::federation
