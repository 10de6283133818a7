// `imeisync audit` against real daemons: a clean federation passes and is
// cosigned; a split view (one origin's key signing two forks, each shown to
// a different node) is caught across two nodes and across two runs; a
// node whose stored state was altered is caught by --deep; a witness quorum
// holds entries back from verdicts until enough members cosigned.
#include <boost/test/unit_test.hpp>
#include <fstream>

#include "crypto/ed25519.h"
#include "node/core/node.h"
#include "node/federation/bundle.h"
#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "tests/integration/fake_peer.h"
#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using node::Action;
using node::Reason;
using std::chrono::seconds;
namespace fed_ns = node::federation;

struct Audit {
  CommandResult result;
  nlohmann::json report;
};

Audit RunAudit(TestFederation& fed, const std::string& state_dir,
               std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "audit",       "--config", fed.Config("auditor"),
      "--state-dir", state_dir,  "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  Audit a;
  a.result = fed.Cli(args);
  a.report = nlohmann::json::parse(a.result.out, nullptr, false);
  return a;
}

std::vector<nlohmann::json> ViolationsOf(const nlohmann::json& report,
                                         const std::string& kind) {
  std::vector<nlohmann::json> out;
  if (!report.is_object()) return out;
  for (const auto& v : report["violations"]) {
    if (v["kind"] == kind) out.push_back(v);
  }
  return out;
}

// The text of a signed note: everything before the blank line.
std::string TextOf(const std::string& note) {
  return note.substr(0, note.find("\n\n") + 1);
}

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(a_clean_federation_passes_and_is_cosigned) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.Add("auditor", "auditor", /*listen=*/false);
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"), fed.Log("op1"));
  auto r = fed.Submit("op1", "block", "stolen", SequentialImeis(4242, 3));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1"}, 1));
  // The ministry witnessed op1's checkpoint, and op1 gathered that.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        nlohmann::json s = fed.Status("op1");
        const std::string note =
            s["frontier"]["imeisync/kz/op1"]["checkpoint"].get<std::string>();
        return note.find("\xE2\x80\x94 imeisync/kz/ministry ") !=
               std::string::npos;
      },
      seconds(20)));

  const std::string state = fed.path() + "/audit-state";
  Audit first = RunAudit(fed, state, {});
  BOOST_TEST_REQUIRE(first.result.exit_code == 0,
                     first.result.out << first.result.err);
  BOOST_TEST(first.report["ok"] == true);
  BOOST_TEST(first.report["nodes"].size() == 2u);
  BOOST_TEST_REQUIRE(first.report["origins"].size() == 1u);
  const nlohmann::json& op1 = first.report["origins"][0];
  BOOST_TEST(op1["origin"] == "imeisync/kz/op1");
  BOOST_TEST(op1["size"] == 3);
  BOOST_TEST(op1["cosigned_now"] == true);
  BOOST_TEST(op1["witnesses"].dump().find("ministry") != std::string::npos);
  BOOST_TEST(op1["witnesses"].dump().find("auditor") != std::string::npos);

  // The nodes took the auditor's cosignature (Announce), and serve it.
  for (const char* id : {"ministry", "op1"}) {
    BOOST_TEST(TestFederation::WaitFor(
                   [&] {
                     nlohmann::json s = fed.Status(id);
                     return s["frontier"]["imeisync/kz/op1"]["checkpoint"]
                                .get<std::string>()
                                .find("\xE2\x80\x94 imeisync/kz/auditor ") !=
                            std::string::npos;
                   },
                   seconds(10)),
               id);
  }

  // A second run: consistent with what the first remembered; nothing new.
  r = fed.Submit("op1", "block", "lost", SequentialImeis(5252, 2));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        return fed.Status("ministry")["frontier"]["imeisync/kz/op1"]["size"] ==
               5;
      },
      seconds(20)));
  Audit second = RunAudit(fed, state, {});
  BOOST_TEST(second.result.exit_code == 0,
             second.result.out << second.result.err);
  BOOST_TEST(second.report["consistency_proofs"].get<int>() >= 1);

  // Text output and usage errors.
  r = fed.Cli({"audit", "--config", fed.Config("auditor"), "--state-dir", state,
               "--no-cosign"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("OK: every signature") != std::string::npos, r.out);
  r = fed.Cli({"audit", "--config", fed.Config("auditor"), "--state-dir", state,
               "--node", "127.0.0.1:1"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("no member of the bundle has this endpoint") !=
                 std::string::npos,
             r.err);
  // A corrupt state file is refused, naming it, and left as it was.
  std::ofstream(state + "/audit-state.json", std::ios::trunc) << "{garbage";
  r = fed.Cli(
      {"audit", "--config", fed.Config("auditor"), "--state-dir", state});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("audit-state.json: not a JSON object") != std::string::npos,
      r.err);
  BOOST_TEST(ReadText(state + "/audit-state.json") == "{garbage");
}

// ministry, op1, op2 real; "evil", an operator, is the fake peer.
struct SplitCast {
  TestFederation fed;
  std::unique_ptr<FakePeer> evil;
  SplitCast() {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    fed.Add("op2", "operator");
    fed.Add("evil", "operator");
    fed.Add("auditor", "auditor", /*listen=*/false);
    fed.ShareLatestBundle();
    evil = std::make_unique<FakePeer>(fed.Dir("evil"), fed.Endpoint("evil"),
                                      /*bundle_version=*/6);
  }
  uint64_t EvilSize(const std::string& id) {
    nlohmann::json s = fed.Status(id);
    if (s.is_null() || !s["frontier"].contains("imeisync/kz/evil")) return 0;
    return s["frontier"]["imeisync/kz/evil"]["size"];
  }
};

BOOST_AUTO_TEST_CASE(a_split_view_is_caught_across_two_nodes_and_two_runs) {
  SplitCast cast;
  TestFederation& fed = cast.fed;
  const uint64_t seed = TestSeed("split_view");
  const std::string key = fed.Dir("evil") + "/node.key";
  // evil's real key signs two logs of the same size: a fork.
  SignedLog a =
      SignLog("imeisync/kz/evil",
              RandomEntries(Action::kBlock, Reason::kStolen, 2, seed), key);
  SignedLog b =
      SignLog("imeisync/kz/evil",
              RandomEntries(Action::kBlock, Reason::kLost, 2, seed + 1), key);
  // op1 alone sees fork a.
  cast.evil->Serve(a.origin, a.note, a.entries);
  BOOST_TEST_REQUIRE(fed.Start("op1"), fed.Log("op1"));
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return cast.EvilSize("op1") == 2; }, seconds(20)));
  const std::string state = fed.path() + "/audit-state";
  Audit one = RunAudit(fed, state, {"--node", "op1@" + fed.Endpoint("op1")});
  BOOST_TEST_REQUIRE(one.result.exit_code == 0,
                     one.result.out << one.result.err);
  BOOST_TEST(fed.Stop("op1") == 0);

  // op2 alone sees fork b.
  cast.evil->Serve(b.origin, b.note, b.entries);
  BOOST_TEST_REQUIRE(fed.Start("op2"), fed.Log("op2"));
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return cast.EvilSize("op2") == 2; }, seconds(20)));

  // Across two runs: op2 now contradicts what the auditor saw on op1.
  Audit two = RunAudit(fed, state, {"--node", "op2@" + fed.Endpoint("op2")});
  BOOST_TEST(two.result.exit_code == 1, two.result.out << two.result.err);
  auto split = ViolationsOf(two.report, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, two.result.out);
  BOOST_TEST(split[0]["origin"] == "imeisync/kz/evil");
  BOOST_TEST_REQUIRE(split[0]["evidence"].size() == 2u);
  std::set<std::string> texts = {TextOf(split[0]["evidence"][0]),
                                 TextOf(split[0]["evidence"][1])};
  BOOST_TEST((texts == std::set<std::string>{TextOf(a.note), TextOf(b.note)}));

  // Across two nodes, with a fresh auditor memory: both notes, verbatim.
  BOOST_TEST_REQUIRE(fed.Start("op1"), fed.Log("op1"));
  const std::string fresh = fed.path() + "/audit-fresh";
  CommandResult r =
      fed.Cli({"audit", "--config", fed.Config("auditor"), "--state-dir", fresh,
               "--node", "op1@" + fed.Endpoint("op1"), "--node",
               "op2@" + fed.Endpoint("op2")});
  BOOST_TEST(r.exit_code == 1, r.out << r.err);
  BOOST_TEST(r.out.find("[split-view] imeisync/kz/evil: two checkpoints of "
                        "size 2 with different roots") != std::string::npos,
             r.out);
  for (const SignedLog* log : {&a, &b}) {
    // Every line of both signed notes, as evil signed them.
    size_t start = 0;
    while (start < log->note.size()) {
      const size_t end = log->note.find('\n', start);
      const std::string line = log->note.substr(start, end - start);
      BOOST_TEST(r.out.find("    | " + line + "\n") != std::string::npos, line);
      start = end + 1;
    }
  }
  // Nothing of a failed origin is remembered or cosigned.
  BOOST_TEST(ReadText(fresh + "/audit-state.json").find("imeisync/kz/evil") ==
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_tampered_state_is_reported_by_audit_deep) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.Add("auditor", "auditor", /*listen=*/false);
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  auto r = fed.Submit("op1", "block", "stolen", SequentialImeis(7000, 5));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1"}, 1));
  const std::string state = fed.path() + "/audit-state";
  Audit clean = RunAudit(fed, state, {"--deep"});
  BOOST_TEST_REQUIRE(clean.result.exit_code == 0,
                     clean.result.out << clean.result.err);
  for (const auto& n : clean.report["nodes"]) {
    BOOST_TEST(n["replayed_root"] == n["state_root"]);
  }

  // op1 is stopped; one register is folded into its state with no entry.
  BOOST_TEST(fed.Stop("op1") == 0);
  fed.FoldWithoutEntry("op1", "imeisync/kz/op1", 5,
                       TestSeed("audit_deep_tamper"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  // Without --deep the frontiers differ from nothing: op1's state head
  // lists what the ministry's lists, with another root.
  Audit shallow = RunAudit(fed, state, {});
  BOOST_TEST(shallow.result.exit_code == 1, shallow.result.out);
  BOOST_TEST(ViolationsOf(shallow.report, "state-root-mismatch").size() == 1u,
             shallow.result.out);
  Audit deep = RunAudit(fed, state, {"--deep"});
  BOOST_TEST(deep.result.exit_code == 1, deep.result.out);
  auto found = ViolationsOf(deep.report, "deep-mismatch");
  BOOST_TEST_REQUIRE(found.size() == 1u, deep.result.out);
  BOOST_TEST(found[0]["node"] == "op1");
  BOOST_TEST(found[0]["detail"].get<std::string>().find(
                 "node op1 signs state root") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_witness_quorum_holds_entries_back_until_cosigned) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.Add("op2", "operator");
  fed.EditBundle([](fed_ns::Bundle& b) { b.policy.witness_quorum = 2; });
  fed.ShareLatestBundle();
  for (const char* id : {"ministry", "op1"}) {
    BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
  }
  const std::string imei = SequentialImeis(9100, 1)[0];
  auto check = [&](const std::string& id) {
    CommandResult r = fed.Cli({"check", "--config", fed.Config(id), imei});
    return r.out;
  };
  BOOST_TEST_REQUIRE(fed.Submit("op1", "block", "stolen", {imei}).exit_code ==
                     0);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1"}, 1));
  // One witness (the ministry) is not two: the block does not count yet.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        return fed.Status("op1")["frontier"]["imeisync/kz/op1"]["checkpoint"]
                   .get<std::string>()
                   .find("imeisync/kz/ministry") != std::string::npos;
      },
      seconds(20)));
  BOOST_TEST(check("op1").find("WHITELISTED") != std::string::npos,
             check("op1"));
  BOOST_TEST(check("ministry").find("WHITELISTED") != std::string::npos);
  // op2 comes up and witnesses too: now it counts everywhere.
  BOOST_TEST_REQUIRE(fed.Start("op2"), fed.Log("op2"));
  for (const char* id : {"ministry", "op1", "op2"}) {
    BOOST_TEST(
        TestFederation::WaitFor(
            [&] { return check(id).find("BLACKLISTED") != std::string::npos; },
            seconds(20)),
        id << ": " << check(id) << fed.Log(id));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
