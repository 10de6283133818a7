// An operator's local-only data (IMEI-IMSI pairs, first-seen days) never
// leaves its node: no peer RPC answer carries it, and writing it changes
// neither the frontier nor the state root that peers compare.
#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>
#include <set>

#include "crypto/device_tag.h"
#include "node/rpc/tls.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/test_federation.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

const std::string kImsi = "401017777777777";

template <class Fn>
grpc::Status Call(Fn fn) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(10));
  return fn(context);
}

bool Contains(const std::string& blob, ByteView needle) {
  return blob.find(std::string(AsChars(needle))) != std::string::npos;
}

BOOST_AUTO_TEST_SUITE(local_privacy)

BOOST_AUTO_TEST_CASE(no_peer_rpc_serves_local_only_data) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  const auto imeis = SequentialImeis(35'300'000'000'000, 3);
  // imeis[0] is blocked (it has registers); [1] and [2] exist only locally.
  BOOST_TEST_REQUIRE(
      fed.Submit("op1", "block", "stolen", {imeis[0]}).exit_code == 0);
  BOOST_TEST_REQUIRE(fed.WaitConverged({"ministry", "op1"}, 1));
  const nlohmann::json before = fed.Status("op1");

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"local", "pair", "--config", fed.Config("op1"), imeis[0], kImsi},
           {"local", "pair", "--config", fed.Config("op1"), imeis[1], kImsi},
           {"local", "seen", "--config", fed.Config("op1"), imeis[2], "--date",
            "2026-11-01"}}) {
    auto r = fed.Cli(args);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  }
  const nlohmann::json after = fed.Status("op1");
  BOOST_TEST(after["local_pairs"] == 2);
  BOOST_TEST(after["local_first_seen"] == 1);
  BOOST_TEST(after["state_root"] == before["state_root"]);
  BOOST_TEST(after["frontier"].dump() == before["frontier"].dump());
  BOOST_TEST(fed.Status("ministry")["local_pairs"] == 0);

  // Ask op1 everything a peer can ask, as the ministry.
  auto salt = crypto::Salt::LoadFile(fed.fed_dir() + "/salt");
  BOOST_TEST_REQUIRE(salt.ok());
  const Hash32 local_tag1 = crypto::SaltedTag(*salt, imeis[1].substr(0, 14));
  const Hash32 local_tag2 = crypto::SaltedTag(*salt, imeis[2].substr(0, 14));
  node::rpc::TlsMaterial tls{ReadText(fed.Dir("ministry") + "/ca.crt"),
                             ReadText(fed.Dir("ministry") + "/tls.key"),
                             ReadText(fed.Dir("ministry") + "/tls.crt")};
  auto channel = node::rpc::PeerChannel(tls, fed.Endpoint("op1"), "op1");
  auto repl = v1::Replication::NewStub(channel);
  auto state = v1::StateSync::NewStub(channel);
  std::string blob;  // every answer's bytes
  std::set<std::string> called;
  auto keep = [&](const std::string& method, const grpc::Status& s,
                  const google::protobuf::Message& reply) {
    BOOST_TEST(s.ok(), method << ": " << s.error_message());
    called.insert(method);
    blob += reply.SerializeAsString();
  };

  v1::HelloRequest hello;
  v1::HelloResponse hello_reply;
  keep("Hello",
       Call([&](auto& c) { return repl->Hello(&c, hello, &hello_reply); }),
       hello_reply);
  v1::SignedBundle bundle;
  keep("GetBundle", Call([&](auto& c) {
         return repl->GetBundle(&c, v1::GetBundleRequest(), &bundle);
       }),
       bundle);
  v1::OfferBundleResponse offer_reply;
  grpc::Status offered = Call(
      [&](auto& c) { return repl->OfferBundle(&c, bundle, &offer_reply); });
  // An equal version is refused; the refusal carries nothing either.
  called.insert("OfferBundle");
  blob += offered.error_message() + offer_reply.SerializeAsString();
  v1::Frontier frontier;
  keep("GetFrontier", Call([&](auto& c) {
         return repl->GetFrontier(&c, v1::GetFrontierRequest(), &frontier);
       }),
       frontier);
  BOOST_TEST_REQUIRE(frontier.origins_size() == 1);
  for (const v1::OriginHead& o : frontier.origins()) {
    v1::GetCheckpointRequest cq;
    cq.set_origin(o.origin());
    v1::Checkpoint cp;
    keep("GetCheckpoint",
         Call([&](auto& c) { return repl->GetCheckpoint(&c, cq, &cp); }), cp);
    v1::GetEntriesRequest eq;
    eq.set_origin(o.origin());
    eq.set_begin(0);
    eq.set_end(o.size());
    grpc::ClientContext ec;
    auto reader = repl->GetEntries(&ec, eq);
    v1::EntryChunk chunk;
    while (reader->Read(&chunk)) blob += chunk.SerializeAsString();
    keep("GetEntries", reader->Finish(), chunk);
    v1::GetConsistencyRequest pq;
    pq.set_origin(o.origin());
    pq.set_first(1);
    pq.set_second(o.size());
    v1::ConsistencyProof proof;
    keep("GetConsistency",
         Call([&](auto& c) { return repl->GetConsistency(&c, pq, &proof); }),
         proof);
  }
  v1::AnnounceResponse announce_reply;
  keep("Announce", Call([&](auto& c) {
         return repl->Announce(&c, v1::AnnounceRequest(), &announce_reply);
       }),
       announce_reply);
  v1::SubtreeRequest root;
  root.set_prefix(std::string(32, '\0'));
  root.set_depth(0);
  v1::Subtree subtree;
  keep("GetSubtree",
       Call([&](auto& c) { return state->GetSubtree(&c, root, &subtree); }),
       subtree);
  v1::Leaves leaves;
  keep("GetLeaves",
       Call([&](auto& c) { return state->GetLeaves(&c, root, &leaves); }),
       leaves);
  BOOST_TEST(leaves.keys_size() == 1);  // the one register, nothing local

  // Every peer RPC there is was asked.
  std::set<std::string> all;
  for (const auto* service : {v1::Replication::service_full_name(),
                              v1::StateSync::service_full_name()}) {
    const auto* d =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            service);
    BOOST_TEST_REQUIRE(d != nullptr);
    for (int i = 0; i < d->method_count(); ++i)
      all.insert(d->method(i)->name());
  }
  BOOST_TEST((called == all));

  BOOST_TEST(blob.size() > 1000u);  // the answers were real
  BOOST_TEST(blob.find(kImsi) == std::string::npos);
  BOOST_TEST(!Contains(blob, local_tag1));
  BOOST_TEST(!Contains(blob, local_tag2));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
