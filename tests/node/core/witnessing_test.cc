// Nodes as witnesses: applying another origin's checkpoint cosigns it in
// the same transaction, stored notes keep only member signatures that
// verify, cosignatures gather across nodes, and the witnessed size per
// quorum follows.
#include <boost/test/unit_test.hpp>

#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "tests/support/node_federation.h"

namespace imeisync::testing {
namespace {

using node::Action;
using node::Reason;

std::vector<std::string> Witnesses(node::core::Node& node,
                                   const std::string& note_text) {
  auto note = crypto::ParseNote(note_text);
  BOOST_TEST_REQUIRE(note.ok(), note.status().ToString());
  auto w = node::replication::VerifiedWitnesses(
      *note, node.bundles().WitnessKeys(), "op1");
  BOOST_TEST_REQUIRE(w.ok(), w.status().ToString());
  return *w;
}

uint64_t Counted(node::core::Node& node, const std::string& origin,
                 uint32_t quorum) {
  auto txn = node.storage().env().BeginRead();
  BOOST_TEST_REQUIRE(txn.ok());
  node::federation::Policy policy;
  policy.witness_quorum = quorum;
  auto size = node.witnessing().CountedSize(*txn, origin, policy);
  BOOST_TEST_REQUIRE(size.ok(), size.status().ToString());
  return *size;
}

BOOST_AUTO_TEST_SUITE(witnessing)

BOOST_FIXTURE_TEST_CASE(applying_cosigns_and_cosignatures_gather,
                        NodeFederation) {
  Submit(op1(), Action::kBlock, Reason::kStolen, "356938035643809");
  const std::string origin = op1().origin();
  auto signed_note = op1().reads().CheckpointNote(origin);
  BOOST_TEST_REQUIRE(signed_note.ok());
  BOOST_TEST(Witnesses(op1(), *signed_note).empty());
  BOOST_TEST(Counted(op2(), origin, 1) == 0u);

  // op2 applies it from a relay that padded it with a stranger's line.
  auto padded = crypto::ParseNote(*signed_note);
  BOOST_TEST_REQUIRE(padded.ok());
  auto stranger = crypto::Cosigner::Create(
      "stranger.example/w", *crypto::Ed25519PrivateKey::Generate());
  BOOST_TEST_REQUIRE(stranger.ok());
  padded->signatures.push_back(stranger->Cosign(padded->text, 1));
  Pull(op2(), op1(), origin, crypto::FormatNote(*padded));
  auto at_op2 = op2().reads().CheckpointNote(origin);
  BOOST_TEST_REQUIRE(at_op2.ok());
  BOOST_TEST(at_op2->find("stranger.example") == std::string::npos, *at_op2);
  BOOST_TEST((Witnesses(op2(), *at_op2) == std::vector<std::string>{"op2"}));
  BOOST_TEST(Counted(op2(), origin, 1) == 1u);
  BOOST_TEST(Counted(op2(), origin, 2) == 0u);

  // The ministry applies op2's copy: two witnesses there.
  Pull(ministry(), op2(), origin);
  auto at_ministry = ministry().reads().CheckpointNote(origin);
  BOOST_TEST_REQUIRE(at_ministry.ok());
  BOOST_TEST((Witnesses(ministry(), *at_ministry) ==
              std::vector<std::string>{"op2", "ministry"}));
  BOOST_TEST(Counted(ministry(), origin, 2) == 1u);

  // The origin and op2 gather the ministry's cosignature from an announce.
  for (node::core::Node* n : {&op1(), &op2()}) {
    auto gained = n->witnessing().AddCosignatures(*at_ministry);
    BOOST_TEST_REQUIRE(gained.ok(), gained.status().ToString());
    BOOST_TEST_REQUIRE(gained->has_value());
    BOOST_TEST(Witnesses(*n, **gained).size() == 2u);
    BOOST_TEST(Counted(*n, origin, 2) == 1u);
    // Nothing new the second time.
    auto again = n->witnessing().AddCosignatures(*at_ministry);
    BOOST_TEST_REQUIRE(again.ok());
    BOOST_TEST(!again->has_value());
  }
}

BOOST_FIXTURE_TEST_CASE(cosignatures_on_an_older_checkpoint_still_count,
                        NodeFederation) {
  const std::string origin = op1().origin();
  Submit(op1(), Action::kBlock, Reason::kStolen, "356938035643809");
  Pull(op2(), op1(), origin);
  Pull(ministry(), op2(), origin);  // size 1, cosigned by op2 and ministry
  auto old_note = ministry().reads().CheckpointNote(origin);
  BOOST_TEST_REQUIRE(old_note.ok());
  // op1 moves on before the cosignatures reach it.
  Submit(op1(), Action::kBlock, Reason::kLost, "490154203237518");
  BOOST_TEST(Counted(op1(), origin, 2) == 0u);
  auto gained = op1().witnessing().AddCosignatures(*old_note);
  BOOST_TEST_REQUIRE(gained.ok(), gained.status().ToString());
  BOOST_TEST(!gained->has_value());  // the stored note is the newer one
  BOOST_TEST(Counted(op1(), origin, 2) == 1u);
  BOOST_TEST(Counted(op1(), origin, 0) == 2u);  // quorum off: everything
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
