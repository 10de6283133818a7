// RunAudit's checks that all checkpoints of one origin can all be true:
// equal sizes need equal roots, and a node serving the largest proves each
// smaller one consistent with it.
#include <boost/test/unit_test.hpp>
#include <random>
#include <set>

#include "base/base64.h"
#include "tests/node/auditor/fake_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::auditor::testing {
namespace {

std::string SizeRoot(uint64_t size, const Hash32& root) {
  return "size " + std::to_string(size) + " root " + Base64Encode(root);
}

BOOST_AUTO_TEST_SUITE(consistency)

BOOST_FIXTURE_TEST_CASE(
    a_node_behind_is_proven_consistent_by_one_serving_the_largest,
    HonestFederation) {
  fed.Hold(*op2, "op1", fed.log("op1").Prefix(2));
  const AuditReport r = Audit(fed, nodes(), memory);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(r.consistency_proofs == 1u);
  BOOST_TEST(op2->consistency_calls == 0);  // it is not asked for anything
  BOOST_TEST(ministry->consistency_calls + op1->consistency_calls == 1);
  const OriginSummary& o = OriginOf(r, Origin("op1"));
  BOOST_TEST((o.served_by == std::vector<std::string>{"ministry", "op1"}));
  BOOST_TEST(o.size == 4u);
  BOOST_TEST(o.cosigned_now);
}

BOOST_FIXTURE_TEST_CASE(a_forked_checkpoint_is_a_split_view_with_both_notes,
                        HonestFederation) {
  fed.Hold(*op2, "op1", fed.Fork("op1", 2, 4));
  const std::string honest = ministry->checkpoints[Origin("op1")];
  const std::string forked = op2->checkpoints[Origin("op1")];
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto split = OfKind(r, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
  BOOST_TEST(split[0].node == "");
  BOOST_TEST(split[0].origin == Origin("op1"));
  BOOST_TEST(
      Has(split[0].detail, Origin("op1") + ": two checkpoints of size 4 with "
                                           "different roots, from node "),
      split[0].detail);
  BOOST_TEST(Has(split[0].detail, "node op2"), split[0].detail);
  BOOST_TEST((std::multiset<std::string>(split[0].evidence.begin(),
                                         split[0].evidence.end()) ==
              std::multiset<std::string>{honest, forked}));
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
  BOOST_TEST(!memory.origins.contains(Origin("op1")));
  BOOST_TEST(OriginOf(r, Origin("ministry")).cosigned_now);
}

BOOST_FIXTURE_TEST_CASE(a_smaller_checkpoint_off_the_log_is_a_split_view,
                        HonestFederation) {
  fed.Hold(*op2, "op1", fed.Fork("op1", 1, 2));
  const Log& fork = op2->logs[Origin("op1")];
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto split = OfKind(r, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
  BOOST_TEST(split[0].origin == Origin("op1"));
  BOOST_TEST(
      Has(split[0].detail,
          SizeRoot(2, fork.Root()) + " (from node op2) is not a prefix of " +
              SizeRoot(4, fed.log("op1").Root()) +
              " (from node ministry): node ministry's consistency "
              "proof fails"),
      split[0].detail);
  BOOST_TEST(
      (split[0].evidence == std::vector{op2->checkpoints[Origin("op1")],
                                        ministry->checkpoints[Origin("op1")]}));
  BOOST_TEST(r.consistency_proofs >= 1u);
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
}

// op1's log at 4 only on op1; the ministry and op2 hold its first 2.
struct OneProver : HonestFederation {
  OneProver() {
    fed.Hold(*ministry, "op1", fed.log("op1").Prefix(2));
    fed.Hold(*op2, "op1", fed.log("op1").Prefix(2));
  }
};

BOOST_FIXTURE_TEST_CASE(
    a_proof_that_fails_to_verify_is_a_split_view_naming_the_prover, OneProver) {
  op1->corrupt_proofs = true;
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto split = OfKind(r, "split-view");
  BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(split[0].origin == Origin("op1"));
  BOOST_TEST(Has(split[0].detail, "node op1's consistency proof fails"),
             split[0].detail);
  BOOST_TEST(op1->consistency_calls == 1);
}

BOOST_FIXTURE_TEST_CASE(
    a_node_that_will_not_prove_consistency_leaves_it_unproven, OneProver) {
  op1->consistency_error = FailedPrecondition("node op1 will not say");
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto unproven = OfKind(r, "unproven");
  BOOST_TEST_REQUIRE(unproven.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(unproven[0].node == "");
  BOOST_TEST(unproven[0].origin == Origin("op1"));
  BOOST_TEST(Has(unproven[0].detail,
                 "no node serving " + SizeRoot(4, fed.log("op1").Root()) +
                     " proved it consistent with " +
                     SizeRoot(2, fed.log("op1").Prefix(2).Root())),
             unproven[0].detail);
  BOOST_TEST(Has(unproven[0].detail, "node op1 will not say"),
             unproven[0].detail);
  BOOST_TEST(r.consistency_proofs == 0u);
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
  BOOST_TEST(OriginOf(r, Origin("op2")).cosigned_now);
}

BOOST_FIXTURE_TEST_CASE(every_server_of_the_largest_is_asked_before_unproven,
                        HonestFederation) {
  fed.Hold(*op2, "op1", fed.log("op1").Prefix(2));
  ministry->consistency_error = Unavailable("ministry is busy");
  const AuditReport r1 = Audit(fed, nodes(), memory);
  BOOST_TEST(r1.violations.empty(), Describe(r1));  // op1 proved it
  BOOST_TEST(r1.consistency_proofs == 1u);

  AuditMemory fresh;
  op1->consistency_error = Unavailable("op1 is busy");
  const AuditReport r2 = Audit(fed, nodes(), fresh);
  const auto unproven = OfKind(r2, "unproven");
  BOOST_TEST_REQUIRE(unproven.size() == 1u, Describe(r2));
  BOOST_TEST(Has(unproven[0].detail, "ministry is busy; "), unproven[0].detail);
  BOOST_TEST(Has(unproven[0].detail, "op1 is busy"), unproven[0].detail);
}

// A failing proof from one server of a checkpoint is outweighed by a proof
// from another that verifies: one lying node cannot accuse an honest
// origin and stop the auditor witnessing it.
BOOST_FIXTURE_TEST_CASE(one_bad_proof_does_not_outweigh_a_good_one,
                        HonestFederation) {
  fed.Hold(*op2, "op1", fed.log("op1").Prefix(2));
  ministry->corrupt_proofs = true;  // the first node serving size 4
  const AuditReport r = Audit(fed, nodes(), memory);
  BOOST_TEST(OfKind(r, "split-view").empty(), Describe(r));
  BOOST_TEST(op1->consistency_calls == 1);
  BOOST_TEST(OriginOf(r, Origin("op1")).cosigned_now);
}

BOOST_AUTO_TEST_CASE(
    a_prefix_is_proven_and_a_fork_is_a_split_view_at_random_sizes) {
  std::mt19937_64 rng(imeisync::testing::TestSeed(
      "a_prefix_is_proven_and_a_fork_is_a_split_view_at_random_sizes"));
  for (int i = 0; i < 20; ++i) {
    FakeFederation fed;
    const uint64_t big = 2 + rng() % 14;
    const uint64_t small = 1 + rng() % (big - 1);
    const uint64_t keep = rng() % (small + 1);  // keep == small: no fork
    fed.Grow("op1", big);
    auto a = fed.Honest("ministry", {{"op1", big}});
    auto b = fed.Honest("op2", {});
    fed.Hold(*b, "op1", fed.Fork("op1", keep, small));
    std::vector<FakeNode*> nodes{a.get(), b.get()};
    if (rng() % 2) std::swap(nodes[0], nodes[1]);
    AuditMemory memory;
    const AuditReport r = Audit(fed, nodes, memory);
    BOOST_TEST_CONTEXT("big " << big << " small " << small << " keep "
                              << keep) {
      BOOST_TEST(r.consistency_proofs == 1u);
      if (keep == small) {
        BOOST_TEST(r.violations.empty(), Describe(r));
        BOOST_TEST(OriginOf(r, Origin("op1")).cosigned_now);
      } else {
        const auto split = OfKind(r, "split-view");
        BOOST_TEST_REQUIRE(split.size() == 1u, Describe(r));
        BOOST_TEST(
            Has(split[0].detail, "node ministry's consistency proof fails"),
            split[0].detail);
        BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::auditor::testing
