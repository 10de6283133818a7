// RunAudit's per-node checks: checkpoint and cosignature signatures, state
// head signatures, unreachable and frozen nodes, and cosigning what passed.
#include <boost/test/unit_test.hpp>

#include "crypto/checkpoint.h"
#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "node/federation/origin_name.h"
#include "node/state/state_head.h"
#include "tests/node/auditor/fake_federation.h"

namespace imeisync::node::auditor::testing {
namespace {

crypto::Note Parse(const std::string& note) {
  auto n = crypto::ParseNote(note);
  BOOST_TEST_REQUIRE(n.ok(), n.status().ToString());
  return *std::move(n);
}

// The auditor's cosignature on `note`, checked with its witness key; the
// timestamp it carries.
uint64_t AuditorCosignatureTime(const FakeFederation& fed,
                                const std::string& note) {
  const crypto::Note n = Parse(note);
  const crypto::NoteVerifier v = fed.AuditorVerifier();
  for (const crypto::NoteSignature& sig : n.signatures) {
    if (!v.Matches(sig)) continue;
    auto at = crypto::VerifyCosignature(n.text, sig, v);
    BOOST_TEST_REQUIRE(at.ok(), at.status().ToString());
    return *at;
  }
  BOOST_TEST_REQUIRE(false, "no cosignature by the auditor on\n" << note);
  return 0;
}

BOOST_AUTO_TEST_SUITE(run_audit)

BOOST_FIXTURE_TEST_CASE(an_honest_federation_passes_and_each_origin_is_cosigned,
                        HonestFederation) {
  const AuditReport r = Audit(fed, nodes(), memory);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(r.consistency_proofs == 0u);  // every node serves the largest
  BOOST_TEST_REQUIRE(r.nodes.size() == 3u);
  for (const FakeNode* n : nodes()) {
    const NodeSummary& s = NodeOf(r, n->id());
    BOOST_TEST(s.reachable);
    BOOST_TEST(s.origins == 3u);
    BOOST_TEST_REQUIRE(s.state_root.has_value());
    BOOST_TEST((*s.state_root == n->state_root));
  }
  BOOST_TEST_REQUIRE(r.origins.size() == 3u);
  BOOST_TEST_REQUIRE(r.cosigned_notes.size() == 3u);
  for (const auto& [id, size] : Sizes()) {
    const OriginSummary& o = OriginOf(r, Origin(id));
    BOOST_TEST(o.size == size);
    BOOST_TEST((o.root == fed.log(id).Root()));
    BOOST_TEST(o.served_by.size() == 3u);
    BOOST_TEST(o.cosigned_now);
    BOOST_TEST(!o.nodes_behind);
    BOOST_TEST((o.witnesses == std::vector<std::string>{"auditor"}));
    // Memory holds the cosigned note and what was cosigned.
    const RememberedOrigin& m = memory.origins.at(Origin(id));
    BOOST_TEST_REQUIRE(m.cosigned.has_value());
    BOOST_TEST((*m.cosigned == replication::CosignedHead{
                                   size, fed.log(id).Root(), kNowS + 60}));
    BOOST_TEST(AuditorCosignatureTime(fed, m.note) == kNowS + 60);
  }
  for (const std::string& note : r.cosigned_notes) {
    const crypto::Note n = Parse(note);
    auto c = crypto::ParseCheckpointText(n.text);
    BOOST_TEST_REQUIRE(c.ok());
    // The origin's signature is kept beside ours.
    BOOST_TEST(
        Has(note, fed.SignCheckpoint(
                      *federation::OriginNode(kFederation, c->origin), *c)));
    BOOST_TEST(AuditorCosignatureTime(fed, note) == kNowS + 60);
  }
  // RunAudit itself announces nothing: the caller does, after saving.
  BOOST_TEST(ministry->announced.empty());
}

BOOST_FIXTURE_TEST_CASE(nothing_is_cosigned_twice_or_when_cosigning_is_off,
                        HonestFederation) {
  AuditOptions off = DefaultOptions();
  off.cosign = false;
  AuditReport r = Audit(fed, nodes(), memory, off);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(r.cosigned_notes.empty());
  for (const auto& [origin, m] : memory.origins) {
    BOOST_TEST(!m.cosigned.has_value(), origin);
  }
  r = Audit(fed, nodes(), memory);
  BOOST_TEST(r.cosigned_notes.size() == 3u);
  // The nodes now serve our cosignature: a third run adds none.
  for (FakeNode* n : nodes()) {
    for (auto& [origin, note] : n->checkpoints)
      note = memory.origins[origin].note;
  }
  r = Audit(fed, nodes(), memory);
  BOOST_TEST(r.violations.empty(), Describe(r));
  BOOST_TEST(r.cosigned_notes.empty());
  for (const OriginSummary& o : r.origins) BOOST_TEST(!o.cosigned_now);
}

BOOST_FIXTURE_TEST_CASE(
    cosignatures_nodes_gathered_are_kept_and_forged_ones_named,
    HonestFederation) {
  const std::string origin = Origin("op1");
  const std::string cosigned = fed.Cosign("op2", ministry->checkpoints[origin]);
  ministry->checkpoints[origin] = cosigned;
  crypto::Note forged = Parse(cosigned);
  forged.signatures.back().signature.back() ^= 1;
  op2->checkpoints[origin] = crypto::FormatNote(forged);

  const AuditReport r = Audit(fed, nodes(), memory);
  const auto bad = OfKind(r, "bad-cosignature");
  BOOST_TEST_REQUIRE(bad.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(bad[0].node == "op2");
  BOOST_TEST(bad[0].origin == origin);
  BOOST_TEST(Has(bad[0].detail, "node op2 serves the checkpoint at size 4"),
             bad[0].detail);
  BOOST_TEST((bad[0].evidence == std::vector{crypto::FormatNote(forged)}));
  // A node's forgery is not the origin's fault: op1 is still cosigned,
  // with op2's genuine cosignature that the ministry relayed.
  const OriginSummary& o = OriginOf(r, origin);
  BOOST_TEST(o.cosigned_now);
  BOOST_TEST((o.witnesses == std::vector<std::string>{"op2", "auditor"}));
  BOOST_TEST(Has(memory.origins.at(origin).note, Parse(cosigned).text));
  BOOST_TEST(Parse(memory.origins.at(origin).note).signatures.size() == 3u);
}

BOOST_AUTO_TEST_CASE(every_kind_of_bad_checkpoint_names_the_node_and_origin) {
  struct Case {
    std::string name, want;
    std::function<std::string(FakeFederation&)> note;
  } cases[] = {
      {"signed with another member's key", "no signature from a known key",
       [](FakeFederation& f) {
         return f.SignCheckpoint("op1", {Origin("ministry"), 3, Hash32{7}, {}});
       }},
      {"text altered after signing", "does not verify",
       [](FakeFederation& f) {
         std::string n = f.SignLog("ministry", f.log("ministry"));
         n.replace(n.find("\n3\n"), 3, "\n2\n");
         return n;
       }},
      {"another origin's checkpoint", "serves a checkpoint of imeisync/kz/op1",
       [](FakeFederation& f) { return f.SignLog("op1", f.log("op1")); }},
      {"not a note", "", [](FakeFederation&) { return std::string("junk"); }},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      HonestFederation h;
      const std::string note = c.note(h.fed);
      h.op2->checkpoints[Origin("ministry")] = note;
      const AuditReport r = Audit(h.fed, h.nodes(), h.memory);
      const auto bad = OfKind(r, "bad-checkpoint");
      BOOST_TEST_REQUIRE(bad.size() == 1u, Describe(r));
      BOOST_TEST(r.violations.size() == 1u, Describe(r));
      BOOST_TEST(bad[0].node == "op2");
      BOOST_TEST(bad[0].origin == Origin("ministry"));
      BOOST_TEST(Has(bad[0].detail, "node op2 serves a checkpoint of"),
                 bad[0].detail);
      BOOST_TEST(Has(bad[0].detail, c.want), bad[0].detail);
      BOOST_TEST((bad[0].evidence == std::vector{note}));
      BOOST_TEST(NodeOf(r, "op2").origins == 2u);
      // As docs/audit.md says: only an origin with no violation is
      // cosigned or remembered.
      BOOST_TEST(!OriginOf(r, Origin("ministry")).cosigned_now);
      BOOST_TEST(!h.memory.origins.contains(Origin("ministry")));
      BOOST_TEST(OriginOf(r, Origin("op1")).cosigned_now);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_kind_of_bad_state_head_names_the_node) {
  struct Case {
    std::string name, want;
    std::function<void(FakeFederation&, FakeNode&)> lie;
  } cases[] = {
      {"signed with a key not the node's", "no signature from a known key",
       [](FakeFederation&, FakeNode& n) {
         auto head =
             *state::ParseStateHeadText(crypto::ParseNote(n.state_head)->text);
         crypto::Note note;
         note.text = state::FormatStateHeadText(head);
         crypto::NoteSigner s = *crypto::NoteSigner::Create(
             Origin("op1"), *crypto::Ed25519PrivateKey::Generate());
         note.signatures.push_back(s.Sign(note.text));
         n.state_head = crypto::FormatNote(note);
       }},
      {"state root altered after signing", "does not verify",
       [](FakeFederation&, FakeNode& n) {
         const size_t at = n.state_head.find('\n', n.state_head.find('\n') + 1);
         n.state_head[at + 1] = n.state_head[at + 1] == 'A' ? 'B' : 'A';
       }},
      {"signed for another node", "it is signed for imeisync/kz/ministry",
       [](FakeFederation& f, FakeNode& n) {
         auto head =
             *state::ParseStateHeadText(crypto::ParseNote(n.state_head)->text);
         head.node_origin = Origin("ministry");
         n.state_head = f.SignStateHead("op1", head);
       }},
      {"another state root beside it", "differs from the one the frontier",
       [](FakeFederation&, FakeNode& n) { n.state_root[0] ^= 1; }},
      {"not a note", "",
       [](FakeFederation&, FakeNode& n) { n.state_head = ""; }},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      HonestFederation h;
      c.lie(h.fed, *h.op1);
      const AuditReport r = Audit(h.fed, h.nodes(), h.memory);
      const auto bad = OfKind(r, "bad-state-head");
      BOOST_TEST_REQUIRE(bad.size() == 1u, Describe(r));
      BOOST_TEST(r.violations.size() == 1u, Describe(r));
      BOOST_TEST(bad[0].node == "op1");
      BOOST_TEST(bad[0].origin == "");
      BOOST_TEST(Has(bad[0].detail, "node op1's state head: "), bad[0].detail);
      BOOST_TEST(Has(bad[0].detail, c.want), bad[0].detail);
      BOOST_TEST((bad[0].evidence == std::vector{h.op1->state_head}));
      BOOST_TEST(!NodeOf(r, "op1").state_root.has_value());
      // The logs are not the node's to spoil: every origin is cosigned.
      BOOST_TEST(r.cosigned_notes.size() == 3u);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(
    an_unreachable_node_is_a_violation_and_others_are_audited,
    HonestFederation) {
  op1->frontier_error = Unavailable("connection refused");
  op2->checkpoints[Origin("op1")] =
      fed.SignCheckpoint("op1", {Origin("op1"), 4, Hash32{9}, {}});
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto down = OfKind(r, "unreachable");
  BOOST_TEST_REQUIRE(down.size() == 1u, Describe(r));
  BOOST_TEST(down[0].node == "op1");
  BOOST_TEST(down[0].origin == "");
  BOOST_TEST(Has(down[0].detail, "connection refused"), down[0].detail);
  BOOST_TEST(!NodeOf(r, "op1").reachable);
  BOOST_TEST(NodeOf(r, "op2").reachable);
  // The others were still checked: op2's fork of op1 is caught.
  BOOST_TEST(OfKind(r, "split-view").size() == 1u, Describe(r));
  BOOST_TEST(OriginOf(r, Origin("ministry")).cosigned_now);
  BOOST_TEST(OriginOf(r, Origin("op2")).cosigned_now);
  BOOST_TEST(!OriginOf(r, Origin("op1")).cosigned_now);
  BOOST_TEST(op1->consistency_calls == 0);
}

BOOST_FIXTURE_TEST_CASE(a_frozen_origin_is_reported_and_not_cosigned,
                        HonestFederation) {
  op2->frozen.insert(Origin("ministry"));
  const AuditReport r = Audit(fed, nodes(), memory);
  const auto frozen = OfKind(r, "equivocation-reported");
  BOOST_TEST_REQUIRE(frozen.size() == 1u, Describe(r));
  BOOST_TEST(r.violations.size() == 1u, Describe(r));
  BOOST_TEST(frozen[0].node == "op2");
  BOOST_TEST(frozen[0].origin == Origin("ministry"));
  BOOST_TEST(Has(frozen[0].detail, "node op2 holds evidence that " +
                                       Origin("ministry") + " signed two"),
             frozen[0].detail);
  BOOST_TEST(!OriginOf(r, Origin("ministry")).cosigned_now);
  BOOST_TEST(r.cosigned_notes.size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_audit_of_no_node_is_refused) {
  FakeFederation fed;
  AuditMemory memory{kFederation, {}};
  auto r = RunAudit(fed.bundle(), {}, "auditor", fed.auditor(),
                    DefaultOptions(), memory);
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::auditor::testing
