// A lying member cannot get anything applied: forged checkpoints, entries
// that do not hash to the signed root and equivocation are refused and
// reported, and entries the policy forbids are rejected alike everywhere.
#include <boost/test/unit_test.hpp>

#include "node/entry.h"
#include "tests/integration/fake_peer.h"
#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using node::Action;
using node::Reason;
using std::chrono::seconds;

constexpr uint64_t kVersion = 5;  // bundle: init + 4 members

// ministry, op1, op2 real; "evil", an operator, is the fake peer.
struct Cast {
  TestFederation fed;
  std::unique_ptr<FakePeer> evil;
  Cast() {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    fed.Add("op2", "operator");
    fed.Add("evil", "operator");
    fed.ShareLatestBundle();
    evil = std::make_unique<FakePeer>(fed.Dir("evil"), fed.Endpoint("evil"),
                                      kVersion);
  }
  void StartReal() {
    for (const char* id : {"ministry", "op1", "op2"}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
  }
  nlohmann::json PeerStatus(const std::string& node, const std::string& peer) {
    const nlohmann::json status = fed.Status(node);
    if (status.is_null()) return nullptr;
    for (const auto& p : status["peers"]) {
      if (p["id"] == peer) return p;
    }
    return nullptr;
  }
  bool Rejected(const std::string& node, const std::string& needle) {
    nlohmann::json p = PeerStatus(node, "evil");
    return !p.is_null() && p["rejected_batches"].get<uint64_t>() > 0 &&
           p["last_error"].get<std::string>().find(needle) != std::string::npos;
  }
};

BOOST_AUTO_TEST_SUITE(forgery)

BOOST_AUTO_TEST_CASE(a_checkpoint_signed_by_the_wrong_key_is_rejected) {
  Cast cast;
  const uint64_t seed = TestSeed("wrong_key");
  // evil claims op1's log, signing with its own key.
  SignedLog forged =
      SignLog("imeisync/kz/op1",
              RandomEntries(Action::kBlock, Reason::kStolen, 3, seed),
              cast.fed.Dir("evil") + "/node.key");
  cast.evil->Serve(forged.origin, forged.note, forged.entries);
  cast.StartReal();
  for (const char* id : {"ministry", "op1", "op2"}) {
    BOOST_TEST(
        TestFederation::WaitFor(
            [&] { return cast.Rejected(id, "imeisync/kz/op1"); }, seconds(20)),
        cast.fed.Log(id));
    BOOST_TEST(cast.fed.Status(id)["frontier"].size() == 0u);
    BOOST_TEST(cast.fed.Status(id)["registers"] == 0);
  }
  BOOST_TEST(cast.fed.Log("ministry").find("refused a checkpoint from evil") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(entries_that_do_not_hash_to_the_signed_root_are_rejected) {
  Cast cast;
  const uint64_t seed = TestSeed("wrong_entries");
  SignedLog honest =
      SignLog("imeisync/kz/evil",
              RandomEntries(Action::kBlock, Reason::kStolen, 4, seed),
              cast.fed.Dir("evil") + "/node.key");
  // The signed note is genuine; the entries served with it are not.
  std::vector<node::Entry> swapped = honest.entries;
  swapped[2].reason = Reason::kLost;
  cast.evil->Serve(honest.origin, honest.note, swapped);
  cast.StartReal();
  for (const char* id : {"ministry", "op1", "op2"}) {
    BOOST_TEST(
        TestFederation::WaitFor(
            [&] { return cast.Rejected(id, "do not hash to the signed root"); },
            seconds(20)),
        cast.fed.Log(id));
    BOOST_TEST(cast.fed.Status(id)["registers"] == 0);
  }
  // Served honestly and announced, the same note is taken everywhere.
  cast.evil->Serve(honest.origin, honest.note, honest.entries);
  for (const char* id : {"ministry", "op1", "op2"}) {
    BOOST_TEST(
        cast.evil->AnnounceTo(id, cast.fed.Endpoint(id), honest.note).ok());
  }
  BOOST_TEST(cast.fed.WaitConverged({"ministry", "op1", "op2"}, 1));
  BOOST_TEST(cast.fed.Status("op2")["registers"] == 4);
}

BOOST_AUTO_TEST_CASE(an_equivocating_origin_is_frozen_and_reported) {
  Cast cast;
  const uint64_t seed = TestSeed("equivocation");
  const std::string key = cast.fed.Dir("evil") + "/node.key";
  SignedLog a =
      SignLog("imeisync/kz/evil",
              RandomEntries(Action::kBlock, Reason::kStolen, 2, seed), key);
  SignedLog b =
      SignLog("imeisync/kz/evil",
              RandomEntries(Action::kBlock, Reason::kLost, 2, seed + 1), key);
  cast.evil->Serve(a.origin, a.note, a.entries);
  cast.StartReal();
  BOOST_TEST_REQUIRE(cast.fed.WaitConverged({"ministry", "op1", "op2"}, 1));
  // The same origin now signs a second log of the same size.
  cast.evil->Serve(b.origin, b.note, b.entries);
  BOOST_TEST(
      cast.evil->AnnounceTo("op1", cast.fed.Endpoint("op1"), b.note).ok());
  for (const char* id : {"ministry", "op1", "op2"}) {
    BOOST_TEST_REQUIRE(
        TestFederation::WaitFor(
            [&] { return cast.fed.Status(id)["evidence"].size() == 1; },
            seconds(20)),
        cast.fed.Log(id));
    nlohmann::json s = cast.fed.Status(id);
    BOOST_TEST(s["evidence"][0]["origin"] == "imeisync/kz/evil");
    // The note as this node stored it: the origin's signed note, followed
    // by the witnesses' cosignatures gathered before the fork appeared.
    const std::string first = s["evidence"][0]["first_note"];
    BOOST_TEST(first.rfind(a.note, 0) == 0u, first);
    BOOST_TEST(s["evidence"][0]["second_note"] == b.note);
    BOOST_TEST(s["frontier"]["imeisync/kz/evil"]["frozen"] == true);
    // What was verified before stays; nothing of the fork is applied.
    BOOST_TEST(s["frontier"]["imeisync/kz/evil"]["size"] == 2);
    BOOST_TEST(cast.fed.Log(id).find("EQUIVOCATION") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(an_entry_the_policy_forbids_is_rejected_alike_everywhere) {
  Cast cast;
  cast.StartReal();
  // At submit: an operator may not REGISTER.
  auto r =
      cast.fed.Submit("op1", "register", "registry", SequentialImeis(7000, 1));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(
      r.err.find("does not allow role operator to issue REGISTER REGISTRY") !=
          std::string::npos,
      r.err);
  // In a log: evil signs a REGISTER among valid entries.
  const uint64_t seed = TestSeed("policy");
  std::vector<node::Entry> entries =
      RandomEntries(Action::kBlock, Reason::kStolen, 3, seed);
  entries[1].action = Action::kRegister;
  entries[1].reason = Reason::kRegistry;
  SignedLog log =
      SignLog("imeisync/kz/evil", entries, cast.fed.Dir("evil") + "/node.key");
  cast.evil->Serve(log.origin, log.note, log.entries);
  BOOST_TEST_REQUIRE(cast.fed.WaitConverged({"ministry", "op1", "op2"}, 1));
  for (const char* id : {"ministry", "op1", "op2"}) {
    nlohmann::json s = cast.fed.Status(id);
    BOOST_TEST(s["registers"] == 2);
    BOOST_TEST_REQUIRE(s["rejected"].size() == 1u);
    BOOST_TEST(s["rejected"][0]["origin"] == "imeisync/kz/evil");
    BOOST_TEST(s["rejected"][0]["reason"] == "REGISTRY");
    BOOST_TEST(s["rejected"][0]["count"] == 1);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
