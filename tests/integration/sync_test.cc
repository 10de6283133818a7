// Real imeisyncd processes on loopback: entries submitted anywhere reach
// every node and equal frontiers give equal state roots, in a hub, a mesh
// and across a partition; newer bundles spread.
#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>

#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/test_federation.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

// Ministry plus three operators. In the hub, operators sync only with the
// ministry; in the mesh, with everyone.
void MakeFour(TestFederation& fed, bool hub) {
  fed.Add("ministry", "ministry");
  for (const char* op : {"op1", "op2", "op3"}) {
    fed.Add(op, "operator");
    if (hub) fed.SetConfig(op, "peers", "[\"ministry\"]");
  }
  fed.ShareLatestBundle();
  for (const char* id : {"ministry", "op1", "op2", "op3"}) {
    BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
  }
}

void SubmitOnEveryNode(TestFederation& fed, uint64_t base) {
  auto r =
      fed.Submit("ministry", "register", "registry", SequentialImeis(base, 5));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  uint64_t at = base + 100;
  for (const char* op : {"op1", "op2", "op3"}) {
    r = fed.Submit(op, "block", "stolen", SequentialImeis(at, 3));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    at += 100;
  }
}

BOOST_AUTO_TEST_SUITE(sync)

BOOST_AUTO_TEST_CASE(hub_entries_reach_every_node_and_roots_agree) {
  TestFederation fed;
  MakeFour(fed, /*hub=*/true);
  SubmitOnEveryNode(fed, 35209900000000);
  const std::vector<std::string> all = {"ministry", "op1", "op2", "op3"};
  BOOST_TEST_REQUIRE(fed.WaitConverged(all, 4), fed.Log("op1"));
  auto s = fed.Status("op3");
  BOOST_TEST(s["registers"] == 14);
  BOOST_TEST(s["frontier"]["imeisync/kz/op1"]["size"] == 3);
  BOOST_TEST(s["frontier"]["imeisync/kz/ministry"]["size"] == 5);
  // op3 learnt op1's entries through the ministry, its only peer.
  BOOST_TEST(s["peers"].size() == 1);
  BOOST_TEST(s["peers"][0]["id"] == "ministry");
}

BOOST_AUTO_TEST_CASE(mesh_entries_reach_every_node_and_roots_agree) {
  TestFederation fed;
  MakeFour(fed, /*hub=*/false);
  SubmitOnEveryNode(fed, 86000000000000);
  const std::vector<std::string> all = {"ministry", "op1", "op2", "op3"};
  BOOST_TEST_REQUIRE(fed.WaitConverged(all, 4));
  auto s = fed.Status("op2");
  BOOST_TEST(s["registers"] == 14);
  BOOST_TEST(s["peers"].size() == 3);
  BOOST_TEST(s["divergence_count"] == 0);
}

BOOST_AUTO_TEST_CASE(a_stopped_operator_converges_after_restart) {
  TestFederation fed;
  MakeFour(fed, /*hub=*/true);
  const std::vector<std::string> all = {"ministry", "op1", "op2", "op3"};
  SubmitOnEveryNode(fed, 35000000000000);
  BOOST_TEST_REQUIRE(fed.WaitConverged(all, 4));
  BOOST_TEST(fed.Stop("op3") == 0);  // SIGTERM: a clean stop
  auto r =
      fed.Submit("op1", "block", "lost", SequentialImeis(35000000500000, 50));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  r = fed.Submit("ministry", "block", "counterfeit",
                 SequentialImeis(35000000600000, 20));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1", "op2"}, 4));
  BOOST_TEST_REQUIRE(fed.Start("op3"), fed.Log("op3"));
  BOOST_TEST_REQUIRE(fed.WaitConverged(all, 4), fed.Log("op3"));
  auto s = fed.Status("op3");
  BOOST_TEST(s["frontier"]["imeisync/kz/op1"]["size"] == 53);
  BOOST_TEST(s["frontier"]["imeisync/kz/ministry"]["size"] == 25);
}

BOOST_AUTO_TEST_CASE(
    a_member_added_later_is_accepted_by_nodes_started_earlier) {
  TestFederation fed;
  fed.Add("ministry", "ministry");  // its node dir holds bundle version 2
  fed.Add("op1", "operator");       // version 3
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return fed.Status("ministry")["bundle_version"] == 3; },
      seconds(20)));
  // op2 joins with version 4, which neither running node has seen.
  fed.Add("op2", "operator");
  BOOST_TEST_REQUIRE(fed.Start("op2"));
  auto r = fed.Submit("op2", "block", "stolen", SequentialImeis(1000, 2));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1", "op2"}, 1),
                     fed.Log("ministry"));
  BOOST_TEST(fed.Status("op1")["bundle_version"] == 4);
  BOOST_TEST(fed.Log("ministry").find("installed bundle version 4") !=
                 std::string::npos,
             fed.Log("ministry"));
}

BOOST_AUTO_TEST_CASE(publish_spreads_a_newer_bundle_and_refuses_an_older) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.Add("op2", "operator");
  fed.ShareLatestBundle();  // version 4 everywhere
  for (const char* id : {"ministry", "op1", "op2"}) {
    BOOST_TEST_REQUIRE(fed.Start(id));
  }
  // An auditor without an endpoint: version 5 exists only in FED.
  fed.Add("audit", "auditor", /*listen=*/false);
  auto r = fed.Cli({"federation", "publish", "--dir", fed.fed_dir(), "--config",
                    fed.Config("ministry"), "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("\"bundle_version\":5") != std::string::npos);
  for (const char* id : {"op1", "op2"}) {
    BOOST_TEST(TestFederation::WaitFor(
        [&] { return fed.Status(id)["bundle_version"] == 5; }, seconds(20)));
  }
  // The node copies the bundle to disk, so a restart keeps version 5.
  BOOST_TEST(fed.Stop("op2") == 0);
  BOOST_TEST_REQUIRE(fed.Start("op2"));
  BOOST_TEST(fed.Status("op2")["bundle_version"] == 5);

  // Publishing the same version again is refused, and the node says so.
  r = fed.Cli({"federation", "publish", "--dir", fed.fed_dir(), "--config",
               fed.Config("op1")});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("is not newer than the current version 5") !=
                 std::string::npos,
             r.err);
  BOOST_TEST(
      fed.Log("op1").find("refused a published bundle") != std::string::npos,
      fed.Log("op1"));
}

BOOST_AUTO_TEST_CASE(a_bundle_with_a_bad_signature_is_refused_and_logged) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  const std::string old_sig = ReadText(fed.fed_dir() + "/bundle.toml.sig");
  fed.Add("op1", "operator");  // FED now holds version 3
  const std::string toml = ReadText(fed.fed_dir() + "/bundle.toml");
  auto channel =
      grpc::CreateChannel("unix:" + fed.Dir("ministry") + "/admin.sock",
                          grpc::InsecureChannelCredentials());
  auto admin = v1::Admin::NewStub(channel);
  v1::SignedBundle request;
  request.set_toml(toml);
  request.set_signature(old_sig);  // version 2's signature on version 3
  v1::OfferBundleResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(10));
  auto s = admin->PublishBundle(&context, request, &reply);
  BOOST_TEST(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT,
             s.error_message());
  BOOST_TEST(fed.Status("ministry")["bundle_version"] == 2);
  BOOST_TEST(fed.Log("ministry").find("refused a published bundle") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
