// Cross-border links (docs/links.md) between two real federations on
// loopback: what the foreign role may call and read, entries a link does
// not allow, and a link removed by a new bundle.
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

BOOST_AUTO_TEST_CASE(the_foreign_role_reads_its_two_logs_and_nothing_else) {
  Country kz("kz", "uz-link");
  kz.Join();
  kz.StartAll();
  const std::vector<std::string> imeis = SequentialImeis(35209900176200, 3);
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("op1", "block", "stolen", {imeis[0]}).exit_code == 0);
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("uz-link", "block", "foreign_stolen", {imeis[1]})
          .exit_code == 0);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        return LogSize(kz.fed, "uz-link", kz.ExportOrigin()) == 1 &&
               LogSize(kz.fed, "ministry", "imeisync/kz/uz-link") == 1 &&
               LogSize(kz.fed, "ministry", "imeisync/kz/op1") == 1;
      },
      seconds(20)));

  auto channel = node::rpc::PeerChannel(
      TlsOf(kz.fed.Dir("uz-link")), kz.fed.Endpoint("ministry"), "ministry");
  auto replication = v1::Replication::NewStub(channel);
  auto state_sync = v1::StateSync::NewStub(channel);
  const std::string op1 = "imeisync/kz/op1";
  const std::string ministry = "imeisync/kz/ministry";
  const std::string own = "imeisync/kz/uz-link";
  auto denied = [](const grpc::Status& s) {
    return s.error_code() == grpc::StatusCode::PERMISSION_DENIED;
  };

  // Open to every member: versions and the signed bundle.
  v1::HelloResponse hello;
  BOOST_TEST(WithDeadline([&](grpc::ClientContext& c) {
               return replication->Hello(&c, v1::HelloRequest(), &hello);
             }).ok());
  v1::SignedBundle bundle;
  BOOST_TEST(WithDeadline([&](grpc::ClientContext& c) {
               return replication->GetBundle(&c, v1::GetBundleRequest(),
                                             &bundle);
             }).ok());
  // OfferBundle checks the signature like any member's offer.
  v1::SignedBundle forged = bundle;
  forged.set_signature("AAAA\n");
  v1::OfferBundleResponse offered;
  grpc::Status s = WithDeadline([&](grpc::ClientContext& c) {
    return replication->OfferBundle(&c, forged, &offered);
  });
  BOOST_TEST(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT,
             s.error_message());

  // GetFrontier: its own log and its export log, no state.
  v1::Frontier frontier;
  BOOST_TEST_REQUIRE(WithDeadline([&](grpc::ClientContext& c) {
                       return replication->GetFrontier(
                           &c, v1::GetFrontierRequest(), &frontier);
                     }).ok());
  std::set<std::string> shown;
  for (const v1::OriginHead& h : frontier.origins()) shown.insert(h.origin());
  BOOST_TEST((shown == std::set<std::string>{own, kz.ExportOrigin()}));
  BOOST_TEST(frontier.state_root().empty());
  BOOST_TEST(frontier.state_head().empty());

  for (const std::string& origin : {own, kz.ExportOrigin()}) {
    v1::GetCheckpointRequest req;
    req.set_origin(origin);
    v1::Checkpoint cp;
    BOOST_TEST(WithDeadline([&](grpc::ClientContext& c) {
                 return replication->GetCheckpoint(&c, req, &cp);
               }).ok(),
               origin);
  }
  v1::Checkpoint op1_note;  // fetched as a domestic member, to announce
  {
    auto op1_channel = node::rpc::PeerChannel(
        TlsOf(kz.fed.Dir("op1")), kz.fed.Endpoint("ministry"), "ministry");
    auto op1_stub = v1::Replication::NewStub(op1_channel);
    v1::GetCheckpointRequest req;
    req.set_origin(op1);
    BOOST_TEST_REQUIRE(WithDeadline([&](grpc::ClientContext& c) {
                         return op1_stub->GetCheckpoint(&c, req, &op1_note);
                       }).ok());
    // A domestic member is not served the export log either.
    req.set_origin(kz.ExportOrigin());
    v1::Checkpoint cp;
    s = WithDeadline([&](grpc::ClientContext& c) {
      return op1_stub->GetCheckpoint(&c, req, &cp);
    });
    BOOST_TEST(denied(s), s.error_message());
    BOOST_TEST(s.error_message().find("served only to its link's member") !=
               std::string::npos);
  }

  // Every other origin, on every call that names one.
  for (const std::string& origin :
       {op1, ministry, std::string("imeisync/kz/nobody"),
        std::string("imeisync/kz/ministry/export/other")}) {
    v1::GetCheckpointRequest cp_req;
    cp_req.set_origin(origin);
    v1::Checkpoint cp;
    s = WithDeadline([&](grpc::ClientContext& c) {
      return replication->GetCheckpoint(&c, cp_req, &cp);
    });
    BOOST_TEST(denied(s), origin << ": " << s.error_message());

    bool got = true;
    s = FirstEntry(*replication, origin, &got);
    BOOST_TEST(!got, origin);
    BOOST_TEST(denied(s), origin << ": " << s.error_message());

    v1::GetConsistencyRequest c_req;
    c_req.set_origin(origin);
    c_req.set_first(1);
    c_req.set_second(1);
    v1::ConsistencyProof proof;
    s = WithDeadline([&](grpc::ClientContext& c) {
      return replication->GetConsistency(&c, c_req, &proof);
    });
    BOOST_TEST(denied(s), origin << ": " << s.error_message());
  }
  // Its own entries and the export log's are served.
  for (const std::string& origin : {own, kz.ExportOrigin()}) {
    bool got = false;
    BOOST_TEST(FirstEntry(*replication, origin, &got).ok(), origin);
    BOOST_TEST(got, origin);
  }

  // Announce: a note of another origin is refused.
  v1::AnnounceRequest announce;
  *announce.add_checkpoints() = op1_note;
  v1::AnnounceResponse announced;
  s = WithDeadline([&](grpc::ClientContext& c) {
    return replication->Announce(&c, announce, &announced);
  });
  BOOST_TEST(denied(s), s.error_message());

  // StateSync: the state is domestic.
  v1::SubtreeRequest sub;
  sub.set_prefix(std::string(32, '\0'));
  sub.set_depth(0);
  v1::Subtree subtree;
  s = WithDeadline([&](grpc::ClientContext& c) {
    return state_sync->GetSubtree(&c, sub, &subtree);
  });
  BOOST_TEST(denied(s), s.error_message());
  v1::Leaves leaves;
  s = WithDeadline([&](grpc::ClientContext& c) {
    return state_sync->GetLeaves(&c, sub, &leaves);
  });
  BOOST_TEST(denied(s), s.error_message());
  // The link node serves no state to kz's members either: its state holds
  // the export.
  {
    auto link_config =
        node::federation::LoadNodeConfig(kz.fed.Config("uz-link"));
    BOOST_TEST_REQUIRE(link_config.ok());
    auto to_link = node::rpc::PeerChannel(TlsOf(kz.fed.Dir("ministry")),
                                          link_config->listen, "uz-link");
    auto link_sync = v1::StateSync::NewStub(to_link);
    v1::Leaves link_leaves;
    s = WithDeadline([&](grpc::ClientContext& c) {
      return link_sync->GetLeaves(&c, sub, &link_leaves);
    });
    BOOST_TEST(denied(s), s.error_message());
    v1::Frontier link_frontier;
    auto link_replication = v1::Replication::NewStub(to_link);
    BOOST_TEST_REQUIRE(WithDeadline([&](grpc::ClientContext& c) {
                         return link_replication->GetFrontier(
                             &c, v1::GetFrontierRequest(), &link_frontier);
                       }).ok());
    BOOST_TEST(link_frontier.state_root().empty());
    BOOST_TEST(link_frontier.state_head().empty());
  }
  // Salted mode: no OPRF evaluator anywhere.
  auto oprf = v1::Oprf::NewStub(channel);
  v1::BlindEvaluateRequest blind;
  v1::BlindEvaluateResponse evaluated;
  s = WithDeadline([&](grpc::ClientContext& c) {
    return oprf->BlindEvaluate(&c, blind, &evaluated);
  });
  BOOST_TEST(s.error_code() == grpc::StatusCode::UNIMPLEMENTED,
             s.error_message());

  // The link removed in a new bundle: the ministry stops serving at once.
  CommandResult r = kz.fed.Cli(
      {"link", "remove", "--dir", kz.fed.fed_dir(), "--id", "uz-link"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  r = kz.fed.Cli({"federation", "publish", "--dir", kz.fed.fed_dir(),
                  "--config", kz.fed.Config("ministry")});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  {
    v1::GetCheckpointRequest req;
    req.set_origin(kz.ExportOrigin());
    v1::Checkpoint cp;
    s = WithDeadline([&](grpc::ClientContext& c) {
      return replication->GetCheckpoint(&c, req, &cp);
    });
    BOOST_TEST(denied(s), s.error_message());
    BOOST_TEST(
        s.error_message().find("has no link for it") != std::string::npos,
        s.error_message());
    frontier.Clear();
    BOOST_TEST_REQUIRE(WithDeadline([&](grpc::ClientContext& c) {
                         return replication->GetFrontier(
                             &c, v1::GetFrontierRequest(), &frontier);
                       }).ok());
    BOOST_TEST(frontier.origins_size() == 0);
  }
  // The link node learns the bundle from the ministry and stops syncing
  // (on the very thread that fetched it), still running.
  BOOST_TEST_REQUIRE(
      TestFederation::WaitFor(
          [&] {
            nlohmann::json st = kz.fed.Status("uz-link");
            return !st.is_null() && st["peers"].empty() &&
                   st["bundle_version"] ==
                       kz.fed.Status("ministry")["bundle_version"];
          },
          seconds(20)),
      kz.fed.Log("uz-link"));
  BOOST_TEST(kz.fed.Running("uz-link"));
  BOOST_TEST(kz.fed.Log("uz-link").find("no longer syncing with ministry") !=
             std::string::npos);
  // No more exporting for it, and nothing of it counts in kz any more.
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("op1", "block", "stolen", {imeis[2]}).exit_code == 0);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "ministry", imeis[2]) == "BLACKLISTED"; },
      seconds(20)));
  BOOST_TEST(kz.fed.Status("ministry")["exports"].size() == 0u);
  BOOST_TEST(Verdict(kz.fed, "ministry", imeis[1]) == "WHITELISTED");
}

BOOST_AUTO_TEST_CASE(an_entry_the_link_does_not_allow_is_rejected_alike) {
  Country kz("kz", "uz-link");
  kz.fed.Add("op2", "operator");
  kz.fed.SetConfig("op2", "sync_interval_ms", "500");
  kz.fed.ShareLatestBundle();
  kz.Join();
  const std::vector<std::string> imeis = SequentialImeis(35209900176300, 2);
  // Behind its daemon's back, the link node's own log gets a BLOCK STOLEN
  // (the link imports FOREIGN_STOLEN only) and one allowed entry, signed
  // with its real key: what a misbehaving foreign member would publish.
  {
    auto config = node::federation::LoadNodeConfig(kz.fed.Config("uz-link"));
    BOOST_TEST_REQUIRE(config.ok());
    auto node = node::core::Node::Open(*config);
    BOOST_TEST_REQUIRE(node.ok(), node.status().ToString());
    auto tags = (*node)->tags().Tags(std::vector<std::string>{
        imeis[0].substr(0, 14), imeis[1].substr(0, 14)});
    BOOST_TEST_REQUIRE(tags.ok(), tags.status().ToString());
    const std::vector<node::Entry> entries = {
        {node::Action::kBlock, node::Reason::kStolen, (*tags)[0], 1000},
        {node::Action::kBlock, node::Reason::kForeignStolen, (*tags)[1], 1001}};
    Status appended =
        (*node)->storage().env().Update([&](node::store::WriteTxn& txn) {
          return (*node)
              ->storage()
              .logs()
              .Append(txn, (*node)->origin(), entries)
              .status();
        });
    BOOST_TEST_REQUIRE(appended.ok(), appended.ToString());
    auto signed_note = (*node)->own_log().SignCheckpoint();
    BOOST_TEST_REQUIRE(signed_note.ok());
    BOOST_TEST_REQUIRE(signed_note->has_value());
  }
  kz.StartAll();
  BOOST_TEST_REQUIRE(kz.fed.Start("op2"), kz.fed.Log("op2"));
  // Every domestic node holds both entries, applies one, rejects the
  // other, and reaches the same state root.
  BOOST_TEST_REQUIRE(kz.fed.WaitConverged({"ministry", "op1", "op2"}, 1));
  for (const char* id : {"ministry", "op1", "op2"}) {
    nlohmann::json s = kz.fed.Status(id);
    BOOST_TEST(s["frontier"]["imeisync/kz/uz-link"]["size"] == 2, id);
    bool counted = false;
    for (const auto& rej : s["rejected"]) {
      if (rej["origin"] == "imeisync/kz/uz-link" && rej["reason"] == "STOLEN") {
        counted = rej["count"] == 1;
      }
    }
    BOOST_TEST(counted, id << ": " << s["rejected"].dump());
    BOOST_TEST(Verdict(kz.fed, id, imeis[0]) == "WHITELISTED", id);
    BOOST_TEST(Verdict(kz.fed, id, imeis[1]) == "GREYLISTED", id);
  }
}

// 30,000 export entries with their sources run past 1 MiB in one chunk of
// 24,385: the exporter's node sends fewer per chunk, and all arrive.

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
