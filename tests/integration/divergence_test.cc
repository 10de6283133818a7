// Equal frontiers must give equal state roots. A node whose stored state
// was altered behind its back is found by its peers' Merkle descent, which
// names the differing register, counts a divergence and reports it.
#include <boost/test/unit_test.hpp>
#include <thread>

#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

BOOST_AUTO_TEST_SUITE(divergence)

BOOST_AUTO_TEST_CASE(a_tampered_state_is_found_and_reported_by_peers) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  auto r = fed.Submit("op1", "block", "stolen", SequentialImeis(31337, 5));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1"}, 1));
  BOOST_TEST(fed.Stop("op1") == 0);

  // Behind op1's back: one register folded into its state with no log
  // entry, as corruption or a bug would leave it.
  fed.FoldWithoutEntry("op1", "imeisync/kz/op1", 5, TestSeed("tampered_state"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  for (const char* id : {"ministry", "op1"}) {
    BOOST_TEST_REQUIRE(
        TestFederation::WaitFor(
            [&] { return fed.Status(id)["divergence_count"] == 1; },
            seconds(20)),
        fed.Log(id));
    nlohmann::json s = fed.Status(id);
    BOOST_TEST(s["divergences"][0]["differing_keys"] == 1, fed.Log(id));
    BOOST_TEST(s["divergences"][0]["peer"] ==
               (std::string(id) == "ministry" ? "op1" : "ministry"));
    BOOST_TEST(fed.Log(id).find("DIVERGENCE with") != std::string::npos);
    BOOST_TEST(fed.Log(id).find("  register ") != std::string::npos);
  }
  // Seen again in later rounds, the same divergence is not counted twice.
  std::this_thread::sleep_for(seconds(2));
  BOOST_TEST(fed.Status("ministry")["divergence_count"] == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
