// Device proofs end to end: `imeisync prove` asks a running imeisyncd over
// its admin socket, `imeisync verify-proof` checks the file offline with
// nothing but the federation bundle.
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "tests/integration/test_federation.h"

namespace imeisync::testing {
namespace {

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

BOOST_AUTO_TEST_SUITE(prove)

BOOST_AUTO_TEST_CASE(a_proof_from_a_node_verifies_offline) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"), fed.Log("op1"));
  const auto imeis = SequentialImeis(35'400'000'000'000, 2);
  BOOST_TEST_REQUIRE(
      fed.Submit("op1", "block", "stolen", {imeis[0]}).exit_code == 0);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1"}, 1));
  const std::string bundle = fed.fed_dir() + "/bundle.toml";

  // The ministry proves op1's block, replicated to it.
  const std::string blocked = fed.path() + "/blocked.json";
  auto r = fed.Cli({"prove", "--config", fed.Config("ministry"), "--imei",
                    imeis[0], "--out", blocked, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const nlohmann::json summary = nlohmann::json::parse(r.out);
  BOOST_TEST(summary["status"] == "BLACKLISTED");
  BOOST_TEST(summary["registers"] == 1);
  r = fed.Cli({"verify-proof", "--bundle", bundle, blocked});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.out + r.err);
  BOOST_TEST(r.out.rfind("BLACKLISTED (enforced-block)", 0) == 0, r.out);
  BOOST_TEST(r.out.find("BLOCK STOLEN by imeisync/kz/op1") != std::string::npos,
             r.out);

  // An IMEI nobody reported: absence is proven, on stdout this time.
  r = fed.Cli({"prove", "--config", fed.Config("op1"), "--imei", imeis[1]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const std::string absent = fed.path() + "/absent.json";
  WriteText(absent, r.out);
  r = fed.Cli({"verify-proof", "--bundle", bundle, absent, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.out + r.err);
  const nlohmann::json result = nlohmann::json::parse(r.out);
  BOOST_TEST(result["valid"] == true);
  BOOST_TEST(result["status"] == "WHITELISTED");
  BOOST_TEST(result["registers"].empty());
  BOOST_TEST(result["node"] == "op1");

  // A tampered file: the register's entry index changed.
  std::string text = ReadText(blocked);
  const size_t at = text.find("\"index\":0");
  BOOST_TEST_REQUIRE(at != std::string::npos);
  text[at + 8] = '1';
  const std::string tampered = fed.path() + "/tampered.json";
  WriteText(tampered, text);
  r = fed.Cli({"verify-proof", "--bundle", bundle, tampered});
  BOOST_TEST(r.exit_code == 1, r.out + r.err);
  BOOST_TEST(r.err.find("invalid proof") != std::string::npos, r.err);
  BOOST_TEST(r.out.empty());

  // Usage errors: a missing file, a bundle whose signature is gone.
  r = fed.Cli({"verify-proof", "--bundle", bundle, fed.path() + "/none.json"});
  BOOST_TEST(r.exit_code == 2, r.err);
  r = fed.Cli({"verify-proof", "--bundle", fed.Config("op1"), blocked});
  BOOST_TEST(r.exit_code == 2, r.err);
  r = fed.Cli({"prove", "--config", fed.Config("op1"), "--imei", "12345"});
  BOOST_TEST(r.exit_code == 1, r.err);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
