// RunAudit's checks of what state heads list: only logs their origins
// signed, and equal state roots for equal frontiers.
#include "node/state/state_head.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>

#include "base/base64.h"
#include "crypto/note.h"
#include "tests/node/auditor/fake_federation.h"

namespace imeisync::node::auditor::testing {
namespace {

state::StateHead HeadOf(const FakeNode& node) {
  auto note = crypto::ParseNote(node.state_head);
  BOOST_TEST_REQUIRE(note.ok(), note.status().ToString());
  auto head = state::ParseStateHeadText(note->text);
  BOOST_TEST_REQUIRE(head.ok(), head.status().ToString());
  return *std::move(head);
}

// Makes `node`'s state head list `entry` (replacing its origin's), signed
// by the node, with the state root unchanged.
void Relist(const FakeFederation& fed, FakeNode& node,
            const state::FrontierEntry& entry) {
  state::StateHead head = HeadOf(node);
  std::erase_if(head.frontier, [&](const state::FrontierEntry& f) {
    return f.origin == entry.origin;
  });
  head.frontier.push_back(entry);
  std::sort(head.frontier.begin(), head.frontier.end(),
            [](const auto& a, const auto& b) { return a.origin < b.origin; });
  node.state_head = fed.SignStateHead(node.id(), head);
}

BOOST_AUTO_TEST_SUITE(state_heads)

BOOST_FIXTURE_TEST_CASE(
    equal_frontiers_with_other_state_roots_are_a_state_root_mismatch,
    HonestFederation) {
  fed.SignState(*op2, Hash32{42});
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto mismatch = OfKind(r, "state-root-mismatch");
  BOOST_TEST_REQUIRE(mismatch.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(mismatch[0].node == "");
  BOOST_TEST(mismatch[0].origin == "");
  BOOST_TEST(Has(mismatch[0].detail,
                 "nodes ministry and op2 list the same frontier (3 origins) "
                 "but sign state roots " +
                     Base64Encode(ministry->state_root) + " and " +
                     Base64Encode(Hash32{42})),
             mismatch[0].detail);
  BOOST_TEST((mismatch[0].evidence ==
              std::vector{ministry->state_head, op2->state_head}));
  // Without --deep nobody can tell which root is right; the logs are fine.
  BOOST_TEST(r.cosigned_notes.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(nodes_at_different_frontiers_are_not_compared,
                        HonestFederation) {
  fed.Hold(*op2, "op1", fed.log("op1").Prefix(3));
  op2->checkpoints[Origin("op1")] =
      fed.SignLog("op1", fed.log("op1").Prefix(2));
  const AuditReport r = Audit(fed, nodes(), memory);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(*NodeOf(r, "op2").state_root != *NodeOf(r, "op1").state_root);
  // 2 -> 4 for op2's checkpoint, 3 -> 4 for the size its state head lists.
  BOOST_TEST(r.consistency_proofs == 2u);
}

BOOST_AUTO_TEST_CASE(
    a_state_head_listing_a_log_its_origin_never_signed_is_a_fork) {
  struct Case {
    std::string name, origin, want;
    std::function<state::FrontierEntry(const FakeFederation&)> entry;
  } cases[] = {
      {"another root at a signed size", Origin("op1"),
       "the origin signed root ",
       [](const FakeFederation& f) {
         return state::FrontierEntry{Origin("op1"), 4,
                                     f.Fork("op1", 2, 4).Root()};
       }},
      {"a size beyond every checkpoint", Origin("op1"),
       "beyond the largest signed checkpoint (size 4)",
       [](const FakeFederation& f) {
         return state::FrontierEntry{Origin("op1"), 6,
                                     f.Fork("op1", 4, 6).Root()};
       }},
      {"an unsigned size off the log", Origin("op1"),
       "not consistent with the signed checkpoint at size 4",
       [](const FakeFederation& f) {
         return state::FrontierEntry{Origin("op1"), 3,
                                     f.Fork("op1", 2, 3).Root()};
       }},
      {"an origin nobody signed for", Origin("auditor"),
       "no signed checkpoint of it is known",
       [](const FakeFederation&) {
         return state::FrontierEntry{Origin("auditor"), 1, Hash32{3}};
       }},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      HonestFederation h;
      const state::FrontierEntry listed = c.entry(h.fed);
      Relist(h.fed, *h.op2, listed);
      const AuditReport r = Audit(h.fed, h.nodes(), h.memory);
      const auto fork = OfKind(r, "state-head-fork");
      BOOST_TEST_REQUIRE(fork.size() == 1u, Describe(r));
      BOOST_TEST(r.violations.size() == 1u, Describe(r));
      BOOST_TEST(fork[0].node == "op2");
      BOOST_TEST(fork[0].origin == c.origin);
      BOOST_TEST(Has(fork[0].detail,
                     "node op2's state head lists " + c.origin + " at size " +
                         std::to_string(listed.size) + " root " +
                         Base64Encode(listed.root) + ": " + c.want),
                 fork[0].detail);
      BOOST_TEST((fork[0].evidence == std::vector{h.op2->state_head}));
      // The node's fault, not the origin's: every log is still cosigned.
      BOOST_TEST(r.cosigned_notes.size() == 3u);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(a_nodes_own_log_may_run_ahead_of_its_signed_checkpoint,
                        HonestFederation) {
  const std::string signed4 = op1->checkpoints[Origin("op1")];
  fed.Grow("op1", 2);
  fed.Hold(*op1, "op1", fed.log("op1"));
  op1->checkpoints[Origin("op1")] = signed4;
  AuditReport r = Audit(fed, nodes(), memory);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(op1->consistency_calls == 1);  // 4 -> 6, from op1 itself
  BOOST_TEST(r.consistency_proofs == 1u);

  // Its unsigned entries must extend what it signed.
  AuditMemory fresh;
  fed.Hold(*op1, "op1", fed.Fork("op1", 3, 6));
  op1->checkpoints[Origin("op1")] = signed4;
  r = Audit(fed, nodes(), fresh);
  const auto fork = OfKind(r, "state-head-fork");
  BOOST_TEST_REQUIRE(fork.size() == 1u, Describe(r));
  BOOST_TEST(fork[0].node == "op1");
  BOOST_TEST(fork[0].origin == Origin("op1"));
  BOOST_TEST(
      Has(fork[0].detail, "at size 6 root " +
                              Base64Encode(fed.Fork("op1", 3, 6).Root()) +
                              ": not consistent with the signed "
                              "checkpoint at size 4"),
      fork[0].detail);

  // Another node may not run ahead of op1's signatures.
  AuditMemory again;
  fed.Hold(*op1, "op1", fed.log("op1"));
  op1->checkpoints[Origin("op1")] = signed4;
  fed.Hold(*op2, "op1", fed.log("op1"));
  op2->checkpoints[Origin("op1")] = signed4;
  r = Audit(fed, nodes(), again);
  const auto ahead = OfKind(r, "state-head-fork");
  BOOST_TEST_REQUIRE(ahead.size() == 1u, Describe(r));
  BOOST_TEST(ahead[0].node == "op2");
  BOOST_TEST(Has(ahead[0].detail, "beyond the largest signed checkpoint"),
             ahead[0].detail);
}

// In a split view, a state head's entry is compared with the sighting of
// the fork it lists: the nodes holding either fork (here the honest
// ministry and op1) are not accused of listing a log the origin never
// signed.
BOOST_FIXTURE_TEST_CASE(in_a_split_view_each_head_matches_the_fork_it_holds,
                        HonestFederation) {
  fed.Hold(*op2, "op1", fed.Fork("op1", 2, 4));
  const AuditReport r = Audit(fed, nodes(), memory);
  BOOST_TEST(OfKind(r, "split-view").size() == 1u, Describe(r));
  BOOST_TEST(OfKind(r, "state-head-fork").empty(), Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::auditor::testing
