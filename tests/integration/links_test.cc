// Cross-border links (docs/links.md) between two real federations on
// loopback, kz and uz, each linking the other in: what crosses (stolen and
// lost blocks, as foreign-stolen), what never does (the registry,
// UNREGISTERED blocks, operator logs, the state), who may call what, and
// a link removed by a new bundle.
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
#include "tests/integration/test_federation.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

// One federation of a ministry and an operator, linking the other
// country's regulator in as foreign member `foreign`, whose link node
// lives in `fed`'s temporary directory under that id.
struct Country {
  TestFederation fed;
  std::string link_id;

  Country(const std::string& id, const std::string& foreign)
      : fed(id), link_id(foreign) {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    const std::string endpoint =
        "127.0.0.1:" + std::to_string(FreeLoopbackPort());
    CommandResult r =
        fed.Cli({"link", "create", "--dir", fed.fed_dir(), "--id", foreign,
                 "--endpoint", endpoint, "--out", fed.Dir(foreign), "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    fed.ShareLatestBundle();
  }

  // The other side's step: prepare and start the link node.
  void Join() {
    CommandResult r =
        fed.Cli({"link", "join", "--bundle", fed.fed_dir() + "/bundle.toml",
                 "--member-dir", fed.Dir(link_id), "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto out = nlohmann::json::parse(r.out);
    BOOST_TEST(out["exporter"] == "ministry");
    fed.SetConfig(link_id, "sync_interval_ms", "500");
  }

  void StartAll() {
    for (const std::string& id :
         {std::string("ministry"), std::string("op1"), link_id}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
  }

  std::string ExportOrigin() const {
    return "imeisync/" + fed_id() + "/ministry/export/" + link_id;
  }
  std::string fed_id() const {
    auto b = node::federation::LoadSignedBundle(fed.fed_dir() + "/bundle.toml");
    return b.ok() ? b->federation : "";
  }
};

std::string Verdict(TestFederation& fed, const std::string& id,
                    const std::string& imei) {
  CommandResult r =
      fed.Cli({"check", "--config", fed.Config(id), imei, "--json"});
  if (r.exit_code != 0) return "error: " + r.err;
  return nlohmann::json::parse(r.out)["status"].get<std::string>();
}

nlohmann::json CheckJson(TestFederation& fed, const std::string& id,
                         const std::string& imei) {
  CommandResult r =
      fed.Cli({"check", "--config", fed.Config(id), imei, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

uint64_t LogSize(TestFederation& fed, const std::string& id,
                 const std::string& origin) {
  nlohmann::json s = fed.Status(id);
  if (s.is_null() || !s["frontier"].contains(origin)) return 0;
  return s["frontier"][origin]["size"].get<uint64_t>();
}

template <class Call>
grpc::Status WithDeadline(Call call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(5));
  return call(context);
}

// GetEntries of `origin`'s first entry: the stream's status, and whether
// a chunk came.
grpc::Status FirstEntry(v1::Replication::Stub& stub, const std::string& origin,
                        bool* got) {
  v1::GetEntriesRequest request;
  request.set_origin(origin);
  request.set_begin(0);
  request.set_end(1);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(5));
  auto reader = stub.GetEntries(&context, request);
  v1::EntryChunk chunk;
  *got = reader->Read(&chunk);
  return reader->Finish();
}

BOOST_AUTO_TEST_SUITE(links)

BOOST_AUTO_TEST_CASE(stolen_blocks_cross_both_ways_and_the_registry_never) {
  Country kz("kz", "uz-link");
  Country uz("uz", "kz-link");
  kz.fed.Add("auditor", "auditor", /*listen=*/false);
  kz.fed.ShareLatestBundle();
  kz.Join();
  uz.Join();
  kz.StartAll();
  uz.StartAll();
  const std::vector<std::string> imeis = SequentialImeis(35209900176100, 6);
  const std::string& stolen = imeis[0];
  const std::string& lost = imeis[1];
  const std::string& unregistered = imeis[2];
  const std::string& registered = imeis[3];

  // kz: op1 reports a theft and a loss; the ministry keeps its registry
  // and blocks an unregistered device.
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("op1", "block", "stolen", {stolen}).exit_code == 0);
  BOOST_TEST_REQUIRE(kz.fed.Submit("op1", "block", "lost", {lost}).exit_code ==
                     0);
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("ministry", "register", "registry", {registered})
          .exit_code == 0);
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("ministry", "block", "unregistered", {unregistered})
          .exit_code == 0);
  // In kz itself the blocks are enforced.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "op1", unregistered) == "BLACKLISTED"; },
      seconds(20)));

  // uz's link node in kz receives the stolen and lost blocks through the
  // export log, and they only greylist there: foreign-stolen devices.
  BOOST_TEST_REQUIRE(
      TestFederation::WaitFor(
          [&] {
            return Verdict(kz.fed, "uz-link", stolen) == "GREYLISTED" &&
                   Verdict(kz.fed, "uz-link", lost) == "GREYLISTED";
          },
          seconds(20)),
      kz.fed.Log("uz-link"));
  nlohmann::json check = CheckJson(kz.fed, "uz-link", stolen);
  BOOST_TEST(check["rule"] == "grey-block");
  BOOST_TEST_REQUIRE(check["causes"].size() == 1u);
  BOOST_TEST(check["causes"][0]["origin"] == kz.ExportOrigin());
  BOOST_TEST(check["causes"][0]["action"] == "BLOCK");
  // The link node proves its verdict like any node, and the proof checks
  // out offline against kz's bundle.
  const std::string proof = kz.fed.path() + "/link-proof.json";
  CommandResult proved =
      kz.fed.Cli({"prove", "--config", kz.fed.Config("uz-link"), "--imei",
                  stolen, "--out", proof});
  BOOST_TEST_REQUIRE(proved.exit_code == 0, proved.err);
  CommandResult verified = kz.fed.Cli(
      {"verify-proof", "--bundle", kz.fed.fed_dir() + "/bundle.toml", proof});
  BOOST_TEST(verified.exit_code == 0, verified.out << verified.err);
  BOOST_TEST(verified.out.rfind("GREYLISTED (grey-block)", 0) == 0,
             verified.out);
  // The registry and the UNREGISTERED block never cross.
  BOOST_TEST(Verdict(kz.fed, "uz-link", unregistered) == "WHITELISTED");
  BOOST_TEST(Verdict(kz.fed, "uz-link", registered) == "WHITELISTED");
  nlohmann::json link_status = kz.fed.Status("uz-link");
  BOOST_TEST(link_status["role"] == "foreign");
  for (const auto& [origin, head] : link_status["frontier"].items()) {
    BOOST_TEST((origin == kz.ExportOrigin() || origin == "imeisync/kz/uz-link"),
               origin);
  }
  BOOST_TEST(LogSize(kz.fed, "uz-link", kz.ExportOrigin()) == 2u);

  // The ministry reports the export and its lag.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        nlohmann::json m = kz.fed.Status("ministry");
        return m["exports"].size() == 1 &&
               m["exports"][0]["pending_entries"] == 0 &&
               m["exports"][0]["signed_size"] == 2;
      },
      seconds(10)));
  nlohmann::json exports = kz.fed.Status("ministry")["exports"][0];
  BOOST_TEST(exports["link"] == "uz-link");
  BOOST_TEST(exports["exported"] == 2);
  // ... and no other node holds the export log.
  BOOST_TEST(LogSize(kz.fed, "op1", kz.ExportOrigin()) == 0u);
  // The lag is in the metrics too.
  auto config = node::federation::LoadNodeConfig(kz.fed.Config("ministry"));
  BOOST_TEST_REQUIRE(config.ok());
  CommandResult metrics = RunCommand(
      {"/usr/bin/curl", "-s", "http://" + config->http_listen + "/metrics"});
  BOOST_TEST(
      metrics.out.find("imeisync_export_pending_entries{link=\"uz-link\"} 0") !=
          std::string::npos,
      metrics.out);
  BOOST_TEST(
      metrics.out.find("imeisync_exported_devices{link=\"uz-link\"} 2") !=
          std::string::npos,
      metrics.out);
  // An auditor of kz finds the federation sound, link node included: the
  // export log is not its to check.
  CommandResult audit =
      kz.fed.Cli({"audit", "--config", kz.fed.Config("auditor"), "--state-dir",
                  kz.fed.path() + "/audit-state", "--deep", "--json"});
  BOOST_TEST(audit.exit_code == 0, audit.out << audit.err);

  // Cleared in kz: cleared across the link.
  BOOST_TEST_REQUIRE(
      kz.fed.Submit("op1", "clear", "stolen", {stolen}).exit_code == 0);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "uz-link", stolen) == "WHITELISTED"; },
      seconds(20)));
  BOOST_TEST(Verdict(kz.fed, "uz-link", lost) == "GREYLISTED");
  BOOST_TEST(LogSize(kz.fed, "uz-link", kz.ExportOrigin()) == 3u);

  // The other way: a theft in uz reaches kz's link node in uz.
  BOOST_TEST_REQUIRE(
      uz.fed.Submit("op1", "block", "stolen", {imeis[4]}).exit_code == 0);
  BOOST_TEST_REQUIRE(
      TestFederation::WaitFor(
          [&] { return Verdict(uz.fed, "kz-link", imeis[4]) == "GREYLISTED"; },
          seconds(20)),
      uz.fed.Log("kz-link"));
  BOOST_TEST(Verdict(uz.fed, "kz-link", stolen) == "WHITELISTED");

  // A link node submits what its link imports: FOREIGN_STOLEN, which every
  // domestic node of kz applies and greylists.
  CommandResult r =
      kz.fed.Submit("uz-link", "block", "foreign_stolen", {imeis[5]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return Verdict(kz.fed, "op1", imeis[5]) == "GREYLISTED"; },
      seconds(20)));
  // It may not submit anything else.
  r = kz.fed.Submit("uz-link", "block", "stolen", {imeis[5]});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.err.find("does not allow this foreign member's link") !=
                 std::string::npos,
             r.err);
  BOOST_TEST(kz.fed.WaitConverged({"ministry", "op1"}, 3));
}

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
BOOST_AUTO_TEST_CASE(a_large_export_crosses_in_chunks_that_fit) {
  Country kz("kz", "uz-link");
  kz.Join();
  kz.StartAll();
  const std::vector<std::string> imeis = SequentialImeis(35209900200000, 30000);
  CommandResult r = kz.fed.SubmitStdin("op1", "block", "stolen", imeis);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
                         [&] {
                           return LogSize(kz.fed, "uz-link",
                                          kz.ExportOrigin()) == 30000;
                         },
                         seconds(60)),
                     kz.fed.Log("uz-link") << kz.fed.Log("ministry"));
  BOOST_TEST(Verdict(kz.fed, "uz-link", imeis[29999]) == "GREYLISTED");
  nlohmann::json link = kz.fed.Status("uz-link");
  BOOST_TEST(link["peers"][0]["rejected_batches"] == 0, link.dump());
}

BOOST_AUTO_TEST_CASE(join_refuses_a_directory_the_bundle_does_not_name) {
  Country kz("kz", "uz-link");
  TestFederation other("uz");
  other.Add("ministry", "ministry");
  // Their bundle, our member directory from another federation.
  CommandResult r =
      kz.fed.Cli({"link", "join", "--bundle", other.fed_dir() + "/bundle.toml",
                  "--member-dir", kz.fed.Dir("uz-link")});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("lists no foreign member \"uz-link\"") != std::string::npos,
      r.err);
  // A bundle whose signature does not verify.
  const std::string copy = kz.fed.path() + "/copy.toml";
  std::string text = ReadText(kz.fed.fed_dir() + "/bundle.toml");
  text += "\n# edited\n";
  {
    std::ofstream(copy) << text;
    std::ofstream(copy + ".sig")
        << ReadText(kz.fed.fed_dir() + "/bundle.toml.sig");
  }
  r = kz.fed.Cli({"link", "join", "--bundle", copy, "--member-dir",
                  kz.fed.Dir("uz-link")});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("signature") != std::string::npos, r.err);
  // A link to a member that is not foreign is refused at create.
  r = kz.fed.Cli({"link", "create", "--dir", kz.fed.fed_dir(), "--id", "op1",
                  "--endpoint", "127.0.0.1:1", "--out", kz.fed.path() + "/x"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("already in the bundle") != std::string::npos, r.err);
  r = kz.fed.Cli({"link", "create", "--dir", kz.fed.fed_dir(), "--id", "y",
                  "--endpoint", "127.0.0.1:1", "--out", kz.fed.path() + "/y",
                  "--export-reasons", "STOLEN,REGISTRY"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("export_reasons may not hold REGISTRY") != std::string::npos,
      r.err);
  // ... before any file is written: no keys or salt left behind.
  BOOST_TEST(!std::filesystem::exists(kz.fed.path() + "/y"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
