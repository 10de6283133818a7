// oprf mode end to end: a federation whose device tags come from the
// ministry's OPRF key, with real imeisyncd processes on loopback. Operators
// get tags only by blinded batch queries; the ministry's ledger enforces
// each member's budget; answers that do not verify are refused.
#include "crypto/oprf.h"

#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <iterator>

#include "base/hex.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/imei.h"
#include "node/rpc/remote_oprf_tags.h"
#include "node/rpc/tls.h"
#include "node/tags/tag_cache.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

std::string Imei14(const std::string& imei) {
  return std::string(node::Imei::Parse(imei)->imei14());
}

// The tag `imeisync tag --oprf-key` computes with the ministry's key.
std::string MinistryTag(TestFederation& fed, const std::string& imei) {
  auto r = fed.Cli({"tag", "--oprf-key", fed.fed_dir() + "/oprf.key", imei});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out)["tag"].get<std::string>();
}

// The evaluator's count of evaluations for `member` this epoch.
uint64_t Used(TestFederation& fed, const std::string& member) {
  nlohmann::json s = fed.Status("ministry");
  BOOST_TEST_REQUIRE(!s.is_null());
  for (const auto& u : s["oprf"]["usage"]) {
    if (u["member"] == member) return u["used"].get<uint64_t>();
  }
  return 0;
}

bool FileContains(const std::string& path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  return data.find(needle) != std::string::npos;
}

// A ministry, two operators and an auditor in an oprf federation.
struct OprfCast {
  explicit OprfCast(const std::vector<std::string>& init_args = {})
      : fed("kz", Args(init_args)) {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    fed.Add("op2", "operator");
    fed.Add("auditor", "auditor");
    fed.ShareLatestBundle();
  }
  static std::vector<std::string> Args(std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--mode", "oprf"});
    return extra;
  }
  void StartAll() {
    for (const char* id : {"ministry", "op1", "op2", "auditor"}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
  }
  TestFederation fed;
};

BOOST_AUTO_TEST_SUITE(oprf)

BOOST_AUTO_TEST_CASE(only_the_ministry_gets_the_key) {
  OprfCast cast;
  TestFederation& fed = cast.fed;
  BOOST_TEST(ReadText(fed.Dir("ministry") + "/oprf.key").size() == 65u);
  for (const char* id : {"op1", "op2", "auditor"}) {
    BOOST_TEST(ReadText(fed.Dir(id) + "/oprf.key").empty(), id);
    BOOST_TEST(ReadText(fed.Dir(id) + "/salt").empty(), id);
  }
  const std::string bundle = ReadText(fed.fed_dir() + "/bundle.toml");
  BOOST_TEST(bundle.find("mode = \"oprf\"") != std::string::npos, bundle);
  BOOST_TEST(bundle.find("evaluator = \"ministry\"") != std::string::npos,
             bundle);
}

BOOST_AUTO_TEST_CASE(submit_replicate_and_check_end_to_end) {
  OprfCast cast;
  TestFederation& fed = cast.fed;
  cast.StartAll();
  const auto imeis = SequentialImeis(35'500'000'000'000, 3);

  // op1 reports a stolen phone: its tag comes from a blinded query.
  auto r = fed.Submit("op1", "block", "stolen", {imeis[0]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(
      fed.WaitConverged({"ministry", "op1", "op2", "auditor"}, 1, seconds(30)));

  // op2 computes the same tag blindly, so it sees op1's block: on the CLI
  // and on its N5g-eir API.
  r = fed.Cli({"check", "--config", fed.Config("op2"), imeis[0], "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(nlohmann::json::parse(r.out)["status"] == "BLACKLISTED", r.out);
  r = fed.Cli({"check", "--config", fed.Config("op2"), imeis[1], "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(nlohmann::json::parse(r.out)["status"] == "WHITELISTED", r.out);
  auto config = node::federation::LoadNodeConfig(fed.Config("op2"));
  BOOST_TEST_REQUIRE(config.ok());
  CommandResult http =
      RunCommand({"/usr/bin/curl", "-s",
                  "http://" + config->http_listen +
                      "/n5g-eir-eic/v1/equipment-status?pei=imei-" + imeis[0]});
  BOOST_TEST(http.out == "{\"status\":\"BLACKLISTED\"}", http.out);

  // The replicated tag is the VOPRF output under the ministry's key.
  const std::string proof = fed.path() + "/proof.json";
  r = fed.Cli({"prove", "--config", fed.Config("op2"), "--imei", imeis[0],
               "--out", proof});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const nlohmann::json doc = nlohmann::json::parse(ReadText(proof));
  BOOST_TEST(doc["tag"].get<std::string>() == MinistryTag(fed, imeis[0]));

  // Cached: asking again costs the evaluator nothing.
  const uint64_t before = Used(fed, "op2");
  BOOST_TEST(before >= 2u);
  r = fed.Cli({"check", "--config", fed.Config("op2"), imeis[0], imeis[1]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Used(fed, "op2") == before);
  nlohmann::json op2 = fed.Status("op2");
  BOOST_TEST(op2["oprf"]["evaluator"] == false);
  BOOST_TEST(op2["oprf"]["cache_entries"].get<uint64_t>() == 2u);
  BOOST_TEST(op2["oprf"]["cache_hits"].get<uint64_t>() >= 2u);

  // The ministry registers with its own key; op2 sees the same device.
  r = fed.Submit("ministry", "register", "registry", {imeis[2]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST_REQUIRE(
      fed.WaitConverged({"ministry", "op1", "op2", "auditor"}, 2, seconds(30)));
  r = fed.Cli({"prove", "--config", fed.Config("op2"), "--imei", imeis[2],
               "--json", "--out", proof});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(nlohmann::json::parse(r.out)["registers"] == 1, r.out);

  // The auditor has no budget: it cannot tag, and says why.
  r = fed.Cli({"check", "--config", fed.Config("auditor"), imeis[0]});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.err.find("no OPRF budget") != std::string::npos, r.err);

  // The evaluator never saw op1's IMEI: not in its logs, state or data.
  fed.Stop("ministry");
  BOOST_TEST(
      !FileContains(fed.Dir("ministry") + "/data/data.mdb", Imei14(imeis[0])));
  BOOST_TEST(fed.Log("ministry").find(Imei14(imeis[0])) == std::string::npos);
  // With the evaluator down, cached devices still get verdicts; a new one
  // fails, naming the evaluator.
  r = fed.Cli({"check", "--config", fed.Config("op2"), imeis[0], "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(nlohmann::json::parse(r.out)["status"] == "BLACKLISTED", r.out);
  const auto fresh = SequentialImeis(35'500'000'100'000, 1);
  r = fed.Cli({"check", "--config", fed.Config("op2"), fresh[0]});
  BOOST_TEST(r.exit_code == 2, r.out + r.err);
  BOOST_TEST(r.err.find("OPRF evaluator ministry") != std::string::npos, r.err);
  // op2's cache (local-only) does hold it, as its own subscriber data may.
  fed.Stop("op2");
  BOOST_TEST(FileContains(fed.Dir("op2") + "/data/data.mdb", Imei14(imeis[0])));
}

BOOST_AUTO_TEST_CASE(budget_exhaustion_is_refused_and_persisted) {
  OprfCast cast({"--oprf-budget", "5"});
  TestFederation& fed = cast.fed;
  cast.StartAll();
  const auto imeis = SequentialImeis(35'600'000'000'000, 8);

  auto r = fed.Submit("op1", "block", "stolen", {imeis[0], imeis[1], imeis[2]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Used(fed, "op1") == 3u);

  // Three new devices with two left: refused whole, nothing appended.
  r = fed.Submit("op1", "block", "stolen", {imeis[3], imeis[4], imeis[5]});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(
      r.err.find("has 2 of its 5 OPRF evaluations left") != std::string::npos,
      r.err);
  BOOST_TEST(Used(fed, "op1") == 3u);
  nlohmann::json op1 = fed.Status("op1");
  BOOST_TEST(op1["frontier"]["imeisync/kz/op1"]["size"] == 3, op1.dump());

  // Cached devices cost nothing, even with the budget nearly spent.
  r = fed.Submit("op1", "clear", "stolen", {imeis[0], imeis[1], imeis[2]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);

  // The ledger survives a restart of the evaluator.
  BOOST_TEST_REQUIRE(fed.Stop("ministry") == 0);
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  BOOST_TEST(Used(fed, "op1") == 3u);
  r = fed.Submit("op1", "block", "stolen", {imeis[3], imeis[4], imeis[5]});
  BOOST_TEST(r.exit_code != 0, r.out);
  BOOST_TEST(r.err.find("has 2 of its 5") != std::string::npos, r.err);
  r = fed.Submit("op1", "block", "stolen", {imeis[3], imeis[4]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Used(fed, "op1") == 5u);
  r = fed.Submit("op1", "block", "stolen", {imeis[6]});
  BOOST_TEST(r.err.find("has 0 of its 5") != std::string::npos, r.err);

  // Budgets are per member: op2 still has all of its own.
  r = fed.Submit("op2", "block", "lost", {imeis[6], imeis[7]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Used(fed, "op2") == 2u);
}

BOOST_AUTO_TEST_CASE(prefetch_tags_an_inventory_once) {
  OprfCast cast;
  TestFederation& fed = cast.fed;
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"), fed.Log("op1"));
  const auto imeis = SequentialImeis(35'700'000'000'000, 7);
  const std::string inventory = fed.path() + "/inventory.txt";
  {
    std::ofstream out(inventory);
    out << "# op1's subscriber devices\n";
    for (const std::string& imei : imeis) out << imei << "\n\n";
  }
  // Batches of 3: three calls, one of them partly full.
  auto r = fed.Cli({"prefetch", "--config", fed.Config("op1"), "--batch", "3",
                    "--json", inventory});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(nlohmann::json::parse(r.out)["devices"] == 7, r.out);
  BOOST_TEST(Used(fed, "op1") == 7u);
  BOOST_TEST(fed.Status("op1")["oprf"]["cache_entries"] == 7);
  // Again: all cached, nothing charged.
  r = fed.Cli({"prefetch", "--config", fed.Config("op1"), inventory});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Used(fed, "op1") == 7u);
  // A malformed line stops the run and says which lines it was in.
  {
    std::ofstream out(inventory, std::ios::app);
    out << "35209900176148x\n";
  }
  r = fed.Cli({"prefetch", "--config", fed.Config("op1"), inventory});
  BOOST_TEST(r.exit_code == 1, r.err);
  BOOST_TEST(r.err.find("lines 2 to 16") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("IMEI 8 of 8") != std::string::npos, r.err);
  BOOST_TEST(Used(fed, "op1") == 7u);
}

// Calls the ministry's Oprf service directly with op1's certificate.
grpc::Status CallEvaluate(TestFederation& fed, const std::string& as,
                          const v1::BlindEvaluateRequest& request,
                          v1::BlindEvaluateResponse* response) {
  auto stub = v1::Oprf::NewStub(node::rpc::PeerChannel(
      TlsOf(fed.Dir(as)), fed.Endpoint("ministry"), "ministry"));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(30));
  return stub->BlindEvaluate(&context, request, response);
}

BOOST_AUTO_TEST_CASE(malformed_blinded_elements_are_invalid_argument) {
  OprfCast cast;
  TestFederation& fed = cast.fed;
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  crypto::OprfClient client(crypto::OprfMode::kVoprf);
  auto good = client.Blind(AsBytes(std::string("35209900176148")));
  BOOST_TEST_REQUIRE(good.ok());
  const std::string valid(good->blinded_element.begin(),
                          good->blinded_element.end());

  auto refused = [&](const std::string& element, const std::string& why) {
    v1::BlindEvaluateRequest request;
    request.set_epoch(1);
    request.add_blinded_elements(valid);
    request.add_blinded_elements(element);
    v1::BlindEvaluateResponse response;
    grpc::Status s = CallEvaluate(fed, "op1", request, &response);
    BOOST_TEST(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT, why);
    BOOST_TEST(s.error_message().find("element 1") != std::string::npos,
               why + ": " + s.error_message());
  };
  refused(valid.substr(0, 32), "too short");
  refused(valid + "x", "too long");
  refused(std::string(33, '\0'), "the identity");
  std::string uncompressed = valid;
  uncompressed[0] = 0x04;
  refused(uncompressed, "a bad prefix");
  // About half of all x are no curve point's x: find one.
  std::string off_curve = valid;
  for (int i = 0; i < 256; ++i) {
    off_curve[32] = static_cast<char>(i);
    crypto::P256 group;
    crypto::BnCtxPtr ctx(BN_CTX_new());
    if (!group.DeserializeElement(AsBytes(off_curve), ctx.get()).ok()) break;
  }
  refused(off_curve, "x not on the curve");
  // None of these was charged.
  BOOST_TEST(Used(fed, "op1") == 0u);

  // The batch limit and the epoch.
  v1::BlindEvaluateRequest big;
  big.set_epoch(1);
  for (int i = 0; i < 10'001; ++i) big.add_blinded_elements(valid);
  v1::BlindEvaluateResponse response;
  grpc::Status s = CallEvaluate(fed, "op1", big, &response);
  BOOST_TEST(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  BOOST_TEST(s.error_message().find("at most 10000") != std::string::npos,
             s.error_message());
  v1::BlindEvaluateRequest other_epoch;
  other_epoch.set_epoch(2);
  other_epoch.add_blinded_elements(valid);
  s = CallEvaluate(fed, "op1", other_epoch, &response);
  BOOST_TEST(s.error_code() == grpc::StatusCode::UNAVAILABLE,
             s.error_message());
  // An auditor has no budget.
  v1::BlindEvaluateRequest one;
  one.set_epoch(1);
  one.add_blinded_elements(valid);
  s = CallEvaluate(fed, "auditor", one, &response);
  BOOST_TEST(s.error_code() == grpc::StatusCode::PERMISSION_DENIED,
             s.error_message());
  // A well-formed one is answered, with a proof that verifies.
  s = CallEvaluate(fed, "op1", one, &response);
  BOOST_TEST_REQUIRE(s.ok(), s.error_message());
  BOOST_TEST(response.evaluated_elements_size() == 1);
  BOOST_TEST(response.proof().size() == 64u);
  auto bundle =
      node::federation::LoadSignedBundle(fed.fed_dir() + "/bundle.toml");
  BOOST_TEST_REQUIRE(bundle.ok());
  const std::string& e = response.evaluated_elements(0);
  std::vector<ByteView> blinded{good->blinded_element};
  std::vector<ByteView> evaluated{AsBytes(e)};
  BOOST_TEST(client
                 .VerifyProof(bundle->oprf->public_key, blinded, evaluated,
                              AsBytes(response.proof()))
                 .ok());
  BOOST_TEST(Used(fed, "op1") == 1u);
}

// An evaluator in process: answers with `key`, swapping the first two
// evaluated elements when `swap` (a tampered answer); counts its calls.
node::rpc::OprfTransport InProcessEvaluator(const crypto::OprfPrivateKey& key,
                                            bool swap, int* calls = nullptr) {
  return [&key, swap, calls](const std::string&, const std::string&,
                             const v1::BlindEvaluateRequest& request)
             -> Result<v1::BlindEvaluateResponse> {
    if (calls != nullptr) ++*calls;
    crypto::OprfServer server(crypto::OprfMode::kVoprf, key);
    std::vector<ByteView> blinded;
    for (const std::string& b : request.blinded_elements())
      blinded.push_back(AsBytes(b));
    IMEISYNC_ASSIGN_OR_RETURN(crypto::VoprfEvaluation ev,
                              server.BlindEvaluateBatch(blinded));
    if (swap) std::swap(ev.evaluated_elements[0], ev.evaluated_elements[1]);
    v1::BlindEvaluateResponse response;
    for (const crypto::P256Element& e : ev.evaluated_elements)
      response.add_evaluated_elements(std::string(e.begin(), e.end()));
    response.set_proof(std::string(ev.proof.begin(), ev.proof.end()));
    return response;
  };
}

BOOST_AUTO_TEST_CASE(an_evaluator_using_another_key_is_caught_by_the_proof) {
  OprfCast cast;
  TestFederation& fed = cast.fed;
  auto config = node::federation::LoadNodeConfig(fed.Config("op1"));
  BOOST_TEST_REQUIRE(config.ok());
  auto op1 = node::core::Node::Open(*config);
  BOOST_TEST_REQUIRE(op1.ok(), op1.status().ToString());

  // A dishonest or misconfigured evaluator: a valid VOPRF answer, with a
  // valid proof, under a key that is not the bundle's.
  auto rogue_key = crypto::OprfPrivateKey::Generate();
  BOOST_TEST_REQUIRE(rogue_key.ok());
  int calls = 0;
  node::rpc::OprfTransport rogue =
      InProcessEvaluator(*rogue_key, /*swap=*/false, &calls);
  auto cache = node::tags::TagCache::Open((*op1)->storage().env());
  BOOST_TEST_REQUIRE(cache.ok());
  auto counters = std::make_shared<node::tags::TagCacheCounters>();
  auto tags = node::tags::CachedTags(
      (*op1)->storage().env(), *cache, [] { return uint64_t{1}; },
      std::make_unique<node::rpc::RemoteOprfTags>(**op1, rogue), counters);
  const std::vector<std::string> imei14s = {"35209900176148", "49015420323751"};
  auto result = tags->Tags(imei14s);
  BOOST_TEST(calls == 1);
  BOOST_TEST_REQUIRE(!result.ok());
  BOOST_TEST(result.status().code() == StatusCode::kDataLoss);
  BOOST_TEST(result.status().message().find("proof does not verify") !=
                 std::string::npos,
             result.status().ToString());
  // Nothing from it was cached.
  {
    auto txn = (*op1)->storage().env().BeginRead();
    BOOST_TEST_REQUIRE(txn.ok());
    BOOST_TEST(*cache->Count(*txn) == 0u);
  }

  // An evaluator that tampers with one element of an honest answer is
  // caught the same way.
  auto honest_key =
      crypto::OprfPrivateKey::LoadFile(fed.fed_dir() + "/oprf.key");
  BOOST_TEST_REQUIRE(honest_key.ok());
  node::rpc::OprfTransport tampering =
      InProcessEvaluator(*honest_key, /*swap=*/true);
  const node::tags::VerifiedTags ignore = [](size_t, std::span<const Hash32>) {
    return Status::Ok();
  };
  node::rpc::RemoteOprfTags swapped(**op1, tampering);
  auto swapped_result = swapped.Query(1, imei14s, ignore);
  BOOST_TEST(swapped_result.status().code() == StatusCode::kDataLoss,
             swapped_result.status().ToString());

  // The honest answer verifies, and equals the ministry's own tags.
  node::rpc::OprfTransport honest =
      InProcessEvaluator(*honest_key, /*swap=*/false);
  node::rpc::RemoteOprfTags good(**op1, honest, {.batch = 1, .threads = 2});
  auto good_result = good.Query(1, imei14s, ignore);
  BOOST_TEST_REQUIRE(good_result.ok(), good_result.status().ToString());
  BOOST_TEST(HexEncode((*good_result)[0]) ==
             MinistryTag(fed, "352099001761481"));
  BOOST_TEST(HexEncode((*good_result)[1]) ==
             MinistryTag(fed, "490154203237518"));
  // Another epoch than the bundle's is refused before any call.
  BOOST_TEST(good.Query(2, imei14s, ignore).status().code() ==
             StatusCode::kUnavailable);

  // A query that fails part way keeps the batches already verified (and
  // paid for): here the evaluator refuses the second batch.
  int answered = 0;
  node::rpc::OprfTransport refuses_second =
      [&](const std::string& id, const std::string& endpoint,
          const v1::BlindEvaluateRequest& request)
      -> Result<v1::BlindEvaluateResponse> {
    if (answered++ == 1) return ResourceExhausted("budget spent");
    return honest(id, endpoint, request);
  };
  auto partial = node::tags::CachedTags(
      (*op1)->storage().env(), *cache, [] { return uint64_t{1}; },
      std::make_unique<node::rpc::RemoteOprfTags>(
          **op1, refuses_second,
          node::rpc::RemoteOprfOptions{.batch = 1, .threads = 1}),
      counters);
  auto partial_result = partial->Tags(imei14s);
  BOOST_TEST(partial_result.status().code() == StatusCode::kResourceExhausted);
  auto after = (*op1)->storage().env().BeginRead();
  BOOST_TEST_REQUIRE(after.ok());
  BOOST_TEST(*cache->Count(*after) == 1u);
  auto kept = cache->Get(*after, 1, imei14s[0]);
  BOOST_TEST_REQUIRE(kept.ok());
  BOOST_TEST_REQUIRE(kept->has_value());
  BOOST_TEST(HexEncode(**kept) == MinistryTag(fed, "352099001761481"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
