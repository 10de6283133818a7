// `audit --deep`: ReplayState and RunAudit's replay of each node's logs
// against the state roots it signed.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "base/base64.h"
#include "node/auditor/replay.h"
#include "tests/node/auditor/fake_federation.h"
#include "tests/support/temp_dir.h"

namespace imeisync::node::auditor::testing {
namespace {

namespace fs = std::filesystem;

struct DeepFederation : HonestFederation {
  // op2 holds op1's log at 3 only, so its frontier is its own and it is
  // replayed from its own logs.
  DeepFederation() { fed.Hold(*op2, "op1", fed.log("op1").Prefix(3)); }

  AuditReport Deep() {
    AuditOptions o = DefaultOptions();
    o.deep = true;
    o.scratch = tmp.File("scratch");
    return Audit(fed, nodes(), memory, o);
  }

  imeisync::testing::TempDir tmp;
};

BOOST_AUTO_TEST_SUITE(deep_replay)

BOOST_FIXTURE_TEST_CASE(replay_folds_the_logs_as_a_node_does, DeepFederation) {
  std::vector<state::FrontierEntry> frontier;
  for (const auto& [origin, log] : op2->logs) {
    frontier.push_back({origin, log.size(), log.Root()});
  }
  std::vector<std::string> progress;
  auto r =
      ReplayState(*op2, frontier, fed.bundle(), tmp.File("scratch"),
                  [&](const std::string& line) { progress.push_back(line); });
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST((r->state_root == op2->state_root));
  BOOST_TEST(r->log_mismatches.empty());
  BOOST_TEST(!fs::exists(tmp.File("scratch")));
  BOOST_TEST_REQUIRE(progress.size() == 3u);
  BOOST_TEST(progress[1] ==
             "replayed 3 of 3 entries of imeisync/kz/op1 from op2");
}

BOOST_FIXTURE_TEST_CASE(honest_logs_replay_to_the_signed_state_roots,
                        DeepFederation) {
  const AuditReport r = Deep();
  BOOST_TEST(r.violations.empty(), Describe(r));
  for (const FakeNode* n : nodes()) {
    const NodeSummary& s = NodeOf(r, n->id());
    BOOST_TEST_REQUIRE(s.replayed_root.has_value(), n->id());
    BOOST_TEST((*s.replayed_root == n->state_root), n->id());
  }
  // The ministry and op1 list equal frontiers: replayed once, from the
  // first of them.
  BOOST_TEST(ministry->read_log_calls == 3);
  BOOST_TEST(op1->read_log_calls == 0);
  BOOST_TEST(op2->read_log_calls == 3);
  BOOST_TEST(!fs::exists(tmp.File("scratch")));
}

BOOST_FIXTURE_TEST_CASE(withheld_or_altered_entries_are_a_deep_mismatch,
                        DeepFederation) {
  const std::string origin = Origin("op1");
  for (bool alter : {false, true}) {
    BOOST_TEST_CONTEXT((alter ? "altered" : "withheld")) {
      op2->withheld_entries.clear();
      op2->altered_entry.clear();
      if (alter) {
        op2->altered_entry[origin] = 1;
      } else {
        op2->withheld_entries[origin] = 1;
      }
      const AuditReport r = Deep();
      const auto deep = OfKind(r, "deep-mismatch");
      BOOST_TEST_REQUIRE(deep.size() == 2u, Describe(r));
      BOOST_TEST(r.violations.size() == 2u, Describe(r));
      for (const Violation& v : deep) {
        BOOST_TEST(v.node == "op2");
        BOOST_TEST((v.evidence == std::vector{op2->state_head}));
      }
      BOOST_TEST(Has(deep[0].detail,
                     "node op2's log " + origin + ": entries hash to "),
                 deep[0].detail);
      BOOST_TEST(
          Has(deep[0].detail, ", the state head lists " +
                                  Base64Encode(op2->logs[origin].Root())),
          deep[0].detail);
      BOOST_TEST(Has(deep[1].detail, "node op2 signs state root " +
                                         Base64Encode(op2->state_root) +
                                         " but its logs (3 origins, replayed "
                                         "under bundle version 1) fold to "),
                 deep[1].detail);
      BOOST_TEST((*NodeOf(r, "op2").replayed_root != op2->state_root));
      BOOST_TEST(
          (*NodeOf(r, "ministry").replayed_root == ministry->state_root));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(a_state_root_the_logs_do_not_fold_to_is_a_deep_mismatch,
                        DeepFederation) {
  const Hash32 honest = op2->state_root;
  fed.SignState(*op2, Hash32{5});
  // Only a replay can tell: op2's frontier is its own.
  BOOST_TEST(Audit(fed, nodes(), memory).violations.empty());
  const AuditReport r = Deep();
  const auto deep = OfKind(r, "deep-mismatch");
  BOOST_TEST_REQUIRE(deep.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(deep[0].node == "op2");
  BOOST_TEST(Has(deep[0].detail, "node op2 signs state root " +
                                     Base64Encode(Hash32{5}) +
                                     " but its logs (3 origins, replayed under "
                                     "bundle version 1) fold to " +
                                     Base64Encode(honest)),
             deep[0].detail);
  BOOST_TEST((*NodeOf(r, "op2").replayed_root == honest));
}

BOOST_FIXTURE_TEST_CASE(logs_that_cannot_be_read_are_a_deep_mismatch,
                        DeepFederation) {
  op2->read_log_error = Unavailable("stream reset by op2");
  const AuditReport r = Deep();
  const auto deep = OfKind(r, "deep-mismatch");
  BOOST_TEST_REQUIRE(deep.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(deep[0].node == "op2");
  BOOST_TEST(Has(deep[0].detail, "node op2's logs could not be replayed: "),
             deep[0].detail);
  BOOST_TEST(Has(deep[0].detail, "stream reset by op2"), deep[0].detail);
  BOOST_TEST(!NodeOf(r, "op2").replayed_root.has_value());
  BOOST_TEST(NodeOf(r, "ministry").replayed_root.has_value());
}

// Nodes with equal frontiers are replayed once, but a replay whose entries
// did not hash to the frontier's roots is held only against the node that
// served them: honest nodes sharing its frontier are replayed themselves.
BOOST_FIXTURE_TEST_CASE(a_lying_nodes_replay_is_not_held_against_its_peers,
                        DeepFederation) {
  ministry->withheld_entries[Origin("op2")] = 1;  // replayed for op1 too
  const AuditReport r = Deep();
  for (const Violation& v : OfKind(r, "deep-mismatch")) {
    BOOST_TEST(v.node == "ministry", Describe(r));
  }
  BOOST_TEST(!OfKind(r, "deep-mismatch").empty(), Describe(r));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::auditor::testing
