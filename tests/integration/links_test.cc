// Cross-border links (docs/links.md) between two real federations on
// loopback, kz and uz, each linking the other in: what crosses (stolen and
// lost blocks, as foreign-stolen), what never does (the registry,
// UNREGISTERED blocks, operator logs, the state), large exports, and who a
// link node may be.
#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/origin_name.h"
#include "node/rpc/tls.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/link_countries.h"
#include "tests/integration/test_federation.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

BOOST_AUTO_TEST_SUITE(links)

BOOST_AUTO_TEST_CASE(stolen_blocks_cross_both_ways_and_the_registry_never) {
  Country kz("kz", "uz-link");
  Country uz("uz", "kz-link");
  kz.fed.Add("auditor", "auditor", /*listen=*/false);
  kz.fed.ShareLatestBundle();
  kz.Join();
  uz.Join();
  kz.StartAll();
  uz.StartAll();
  const std::vector<std::string> imeis = SequentialImeis(35209900176100, 6);
  const std::string& stolen = imeis[0];
  const std::string& lost = imeis[1];
  const std::string& unregistered = imeis[2];
  const std::string& registered = imeis[3];

  // kz: op1 reports a theft and a loss; the ministry keeps its registry
  // and blocks an unregistered device.
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("op1", "block", "stolen", {stolen}).exit_code == 0);
  BOOST_TEST_REQUIRE(kz.fed.Submit("op1", "block", "lost", {lost}).exit_code ==
                     0);
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("ministry", "register", "registry", {registered})
          .exit_code == 0);
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("ministry", "block", "unregistered", {unregistered})
          .exit_code == 0);
  // In kz itself the blocks are enforced.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "op1", unregistered) == "BLACKLISTED"; },
      seconds(20)));

  // uz's link node in kz receives the stolen and lost blocks through the
  // export log, and they only greylist there: foreign-stolen devices.
  BOOST_TEST_REQUIRE(
      TestFederation::WaitFor(
          [&] {
            return Verdict(kz.fed, "uz-link", stolen) == "GREYLISTED" &&
                   Verdict(kz.fed, "uz-link", lost) == "GREYLISTED";
          },
          seconds(20)),
      kz.fed.Log("uz-link"));
  nlohmann::json check = CheckJson(kz.fed, "uz-link", stolen);
  BOOST_TEST(check["rule"] == "grey-block");
  BOOST_TEST_REQUIRE(check["causes"].size() == 1u);
  BOOST_TEST(check["causes"][0]["origin"] == kz.ExportOrigin());
  BOOST_TEST(check["causes"][0]["action"] == "BLOCK");
  // The link node proves its verdict like any node, and the proof checks
  // out offline against kz's bundle.
  const std::string proof = kz.fed.path() + "/link-proof.json";
  CommandResult proved =
      kz.fed.Cli({"prove", "--config", kz.fed.Config("uz-link"), "--imei",
                  stolen, "--out", proof});
  BOOST_TEST_REQUIRE(proved.exit_code == 0, proved.err);
  CommandResult verified = kz.fed.Cli(
      {"verify-proof", "--bundle", kz.fed.fed_dir() + "/bundle.toml", proof});
  BOOST_TEST(verified.exit_code == 0, verified.out << verified.err);
  BOOST_TEST(verified.out.rfind("GREYLISTED (grey-block)", 0) == 0,
             verified.out);
  // The registry and the UNREGISTERED block never cross.
  BOOST_TEST(Verdict(kz.fed, "uz-link", unregistered) == "WHITELISTED");
  BOOST_TEST(Verdict(kz.fed, "uz-link", registered) == "WHITELISTED");
  nlohmann::json link_status = kz.fed.Status("uz-link");
  BOOST_TEST(link_status["role"] == "foreign");
  for (const auto& [origin, head] : link_status["frontier"].items()) {
    BOOST_TEST((origin == kz.ExportOrigin() || origin == "imeisync/kz/uz-link"),
               origin);
  }
  BOOST_TEST(LogSize(kz.fed, "uz-link", kz.ExportOrigin()) == 2u);

  // The ministry reports the export and its lag.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        nlohmann::json m = kz.fed.Status("ministry");
        return m["exports"].size() == 1 &&
               m["exports"][0]["pending_entries"] == 0 &&
               m["exports"][0]["signed_size"] == 2;
      },
      seconds(10)));
  nlohmann::json exports = kz.fed.Status("ministry")["exports"][0];
  BOOST_TEST(exports["link"] == "uz-link");
  BOOST_TEST(exports["exported"] == 2);
  // ... and no other node holds the export log.
  BOOST_TEST(LogSize(kz.fed, "op1", kz.ExportOrigin()) == 0u);
  // The lag is in the metrics too.
  auto config = node::federation::LoadNodeConfig(kz.fed.Config("ministry"));
  BOOST_TEST_REQUIRE(config.ok());
  CommandResult metrics = RunCommand(
      {"/usr/bin/curl", "-s", "http://" + config->http_listen + "/metrics"});
  BOOST_TEST(
      metrics.out.find("imeisync_export_pending_entries{link=\"uz-link\"} 0") !=
          std::string::npos,
      metrics.out);
  BOOST_TEST(
      metrics.out.find("imeisync_exported_devices{link=\"uz-link\"} 2") !=
          std::string::npos,
      metrics.out);
  // An auditor of kz finds the federation sound, link node included: the
  // export log is not its to check.
  CommandResult audit =
      kz.fed.Cli({"audit", "--config", kz.fed.Config("auditor"), "--state-dir",
                  kz.fed.path() + "/audit-state", "--deep", "--json"});
  BOOST_TEST(audit.exit_code == 0, audit.out << audit.err);

  // Cleared in kz: cleared across the link.
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("op1", "clear", "stolen", {stolen}).exit_code == 0);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "uz-link", stolen) == "WHITELISTED"; },
      seconds(20)));
  BOOST_TEST(Verdict(kz.fed, "uz-link", lost) == "GREYLISTED");
  BOOST_TEST(LogSize(kz.fed, "uz-link", kz.ExportOrigin()) == 3u);

  // The other way: a theft in uz reaches kz's link node in uz.
  BOOST_TEST_REQUIRE(
      uz.fed.Submit("op1", "block", "stolen", {imeis[4]}).exit_code == 0);
  BOOST_TEST_REQUIRE(
      TestFederation::WaitFor(
          [&] { return Verdict(uz.fed, "kz-link", imeis[4]) == "GREYLISTED"; },
          seconds(20)),
      uz.fed.Log("kz-link"));
  BOOST_TEST(Verdict(uz.fed, "kz-link", stolen) == "WHITELISTED");

  // A link node submits what its link imports: FOREIGN_STOLEN, which every
  // domestic node of kz applies and greylists.
  CommandResult r =
      kz.fed.Submit("uz-link", "block", "foreign_stolen", {imeis[5]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "op1", imeis[5]) == "GREYLISTED"; },
      seconds(20)));
  // It may not submit anything else.
  r = kz.fed.Submit("uz-link", "block", "stolen", {imeis[5]});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.err.find("does not allow this foreign member's link") !=
                 std::string::npos,
             r.err);
  BOOST_TEST(kz.fed.WaitConverged({"ministry", "op1"}, 3));
}

BOOST_AUTO_TEST_CASE(a_large_export_crosses_in_chunks_that_fit) {
  Country kz("kz", "uz-link");
  kz.Join();
  kz.StartAll();
  const std::vector<std::string> imeis = SequentialImeis(35209900200000, 30000);
  CommandResult r = kz.fed.SubmitStdin("op1", "block", "stolen", imeis);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
                         [&] {
                           return LogSize(kz.fed, "uz-link",
                                          kz.ExportOrigin()) == 30000;
                         },
                         seconds(60)),
                     kz.fed.Log("uz-link") << kz.fed.Log("ministry"));
  BOOST_TEST(Verdict(kz.fed, "uz-link", imeis[29999]) == "GREYLISTED");
  nlohmann::json link = kz.fed.Status("uz-link");
  BOOST_TEST(link["peers"][0]["rejected_batches"] == 0, link.dump());
}

BOOST_AUTO_TEST_CASE(join_refuses_a_directory_the_bundle_does_not_name) {
  Country kz("kz", "uz-link");
  TestFederation other("uz");
  other.Add("ministry", "ministry");
  // Their bundle, our member directory from another federation.
  CommandResult r =
      kz.fed.Cli({"link", "join", "--bundle", other.fed_dir() + "/bundle.toml",
                  "--member-dir", kz.fed.Dir("uz-link")});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("lists no foreign member \"uz-link\"") != std::string::npos,
      r.err);
  // A bundle whose signature does not verify.
  const std::string copy = kz.fed.path() + "/copy.toml";
  std::string text = ReadText(kz.fed.fed_dir() + "/bundle.toml");
  text += "\n# edited\n";
  {
    std::ofstream(copy) << text;
    std::ofstream(copy + ".sig")
        << ReadText(kz.fed.fed_dir() + "/bundle.toml.sig");
  }
  r = kz.fed.Cli({"link", "join", "--bundle", copy, "--member-dir",
                  kz.fed.Dir("uz-link")});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("signature") != std::string::npos, r.err);
  // A link to a member that is not foreign is refused at create.
  r = kz.fed.Cli({"link", "create", "--dir", kz.fed.fed_dir(), "--id", "op1",
                  "--endpoint", "127.0.0.1:1", "--out", kz.fed.path() + "/x"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("already in the bundle") != std::string::npos, r.err);
  r = kz.fed.Cli({"link", "create", "--dir", kz.fed.fed_dir(), "--id", "y",
                  "--endpoint", "127.0.0.1:1", "--out", kz.fed.path() + "/y",
                  "--export-reasons", "STOLEN,REGISTRY"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("export_reasons may not hold REGISTRY") != std::string::npos,
      r.err);
  // ... before any file is written: no keys or salt left behind.
  BOOST_TEST(!std::filesystem::exists(kz.fed.path() + "/y"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
