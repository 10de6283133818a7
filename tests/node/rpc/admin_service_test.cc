// The Admin service refuses malformed and forbidden submissions with a
// message naming what to fix, and stores nothing of a refused batch.
#include "node/rpc/admin_service.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "tests/node/rpc/rpc_fixture.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using grpc::StatusCode;

struct Op1Admin {
  RpcFederation fed;
  std::unique_ptr<node::core::Node> op1 = fed.Open("op1");
  ServedNode served{fed, *op1};
  std::unique_ptr<v1::Admin::Stub> admin = served.Admin();

  grpc::Status Submit(const v1::SubmitRequest& request) {
    v1::SubmitResponse response;
    return admin->Submit(Ctx().get(), request, &response);
  }
  uint64_t LogSize() { return served.LogSize(fed.Origin("op1")); }
};

// BLOCK STOLEN of `imeis`, returning before the checkpoint is signed.
v1::SubmitRequest Block(const std::vector<std::string>& imeis) {
  v1::SubmitRequest r;
  r.set_action(v1::ACTION_BLOCK);
  r.set_reason(v1::REASON_STOLEN);
  for (const std::string& imei : imeis) r.add_imeis(imei);
  r.set_return_before_signed(true);
  return r;
}

BOOST_FIXTURE_TEST_SUITE(admin_service, Op1Admin)

BOOST_AUTO_TEST_CASE(submit_appends_a_well_formed_batch) {
  BOOST_TEST(Submit(Block(Imeis(35209900176148, 3))).ok());
  BOOST_TEST(LogSize() == 3u);
}

BOOST_AUTO_TEST_CASE(submit_rejects_an_action_number_outside_block_to_allow) {
  for (int action : {0, 6, 9, -1}) {
    v1::SubmitRequest r = Block(Imeis(35209900176148, 1));
    r.set_action(static_cast<v1::Action>(action));
    BOOST_TEST_CONTEXT("action " << action) {
      BOOST_CHECK_GRPC(
          Submit(r), StatusCode::INVALID_ARGUMENT,
          "action " + std::to_string(action) + " is not BLOCK..ALLOW (1..5)");
    }
  }
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_rejects_a_reason_number_past_the_table) {
  for (int reason : {0, 9, -1}) {
    v1::SubmitRequest r = Block(Imeis(35209900176148, 1));
    r.set_reason(static_cast<v1::Reason>(reason));
    BOOST_TEST_CONTEXT("reason " << reason) {
      BOOST_CHECK_GRPC(Submit(r), StatusCode::INVALID_ARGUMENT,
                       "reason " + std::to_string(reason) +
                           " is not STOLEN..REGISTRY (1..8)");
    }
  }
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(import_names_the_item_whose_reason_is_out_of_range) {
  v1::SubmitRequest r;
  r.set_action(v1::ACTION_BLOCK);
  r.set_return_before_signed(true);
  for (const std::string& imei : Imeis(35209900176148, 3)) {
    v1::SubmitItem* item = r.add_items();
    item->set_imei(imei);
    item->set_reason(v1::REASON_LOST);
  }
  r.mutable_items(1)->set_reason(static_cast<v1::Reason>(9));
  BOOST_CHECK_GRPC(Submit(r), StatusCode::INVALID_ARGUMENT,
                   "item 2: reason 9 is not STOLEN..REGISTRY (1..8)");
  r.mutable_items(1)->set_reason(v1::REASON_LOST);
  r.mutable_items(2)->set_issued_at_ms(-5);
  BOOST_CHECK_GRPC(Submit(r), StatusCode::INVALID_ARGUMENT,
                   "item 3: issued_at_ms is negative");
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_rejects_a_negative_issue_time) {
  v1::SubmitRequest r = Block(Imeis(35209900176148, 2));
  r.set_issued_at_ms(-1);
  BOOST_CHECK_GRPC(Submit(r), StatusCode::INVALID_ARGUMENT,
                   "issued_at_ms is negative");
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_rejects_an_empty_batch) {
  BOOST_CHECK_GRPC(Submit(Block({})), StatusCode::INVALID_ARGUMENT,
                   "no IMEI given");
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_rejects_imeis_and_items_together) {
  v1::SubmitRequest r = Block(Imeis(35209900176148, 1));
  v1::SubmitItem* item = r.add_items();
  item->set_imei(Imeis(35209900176149, 1)[0]);
  item->set_reason(v1::REASON_STOLEN);
  BOOST_CHECK_GRPC(Submit(r), StatusCode::INVALID_ARGUMENT,
                   "either imeis or items, not both");
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_refuses_what_the_operator_role_may_not_issue) {
  v1::SubmitRequest allow = Block(Imeis(35209900176148, 2));
  allow.set_action(v1::ACTION_ALLOW);
  BOOST_CHECK_GRPC(Submit(allow), StatusCode::PERMISSION_DENIED,
                   "does not allow role operator to issue ALLOW STOLEN; "
                   "nothing was submitted");
  v1::SubmitRequest registry = Block(Imeis(35209900176148, 2));
  registry.set_reason(v1::REASON_REGISTRY);
  BOOST_CHECK_GRPC(Submit(registry), StatusCode::PERMISSION_DENIED,
                   "to issue BLOCK REGISTRY");
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_refuses_everything_on_an_auditors_node) {
  auto aud = fed.Open("aud");
  ServedNode auditor(fed, *aud);
  v1::SubmitResponse response;
  BOOST_CHECK_GRPC(auditor.Admin()->Submit(
                       Ctx().get(), Block(Imeis(35209900176148, 1)), &response),
                   StatusCode::PERMISSION_DENIED,
                   "does not allow role auditor to issue BLOCK STOLEN");
  BOOST_TEST(auditor.LogSize(fed.Origin("aud")) == 0u);
}

BOOST_AUTO_TEST_CASE(submit_rejects_a_batch_over_200000_imeis) {
  v1::SubmitRequest r = Block({});
  const std::string imei = Imeis(35209900176148, 1)[0];
  for (int i = 0; i < 200'001; ++i) r.add_imeis(imei);
  BOOST_CHECK_GRPC(Submit(r), StatusCode::INVALID_ARGUMENT,
                   "200001 IMEIs in one submit; at most 200000");
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(submit_names_a_malformed_imei_by_position_and_rule) {
  const std::vector<std::string> good = Imeis(35209900176148, 3);
  struct Bad {
    std::string imei;
    std::string rule;
  };
  const std::vector<Bad> bads = {
      {"3520990017614", "IMEI has 13 digits; expected 14, 15"},
      {"35209900x76148", "character 'x' at position 9 is not a digit"},
      {good[0].substr(0, 14) + char('0' + (good[0][14] - '0' + 1) % 10),
       "wrong check digit"},
      {"", "empty IMEI"},
  };
  for (const Bad& bad : bads) {
    std::vector<std::string> imeis = good;
    imeis[1] = bad.imei;
    BOOST_TEST_CONTEXT("IMEI \"" << bad.imei << "\"") {
      BOOST_CHECK_GRPC(Submit(Block(imeis)), StatusCode::INVALID_ARGUMENT,
                       "IMEI 2 of 3");
      BOOST_CHECK_GRPC(Submit(Block(imeis)), StatusCode::INVALID_ARGUMENT,
                       bad.rule);
      BOOST_CHECK_GRPC(Submit(Block(imeis)), StatusCode::INVALID_ARGUMENT,
                       "nothing was submitted");
    }
  }
  // The well-formed IMEIs before and after the bad one were not stored.
  BOOST_TEST(LogSize() == 0u);
}

BOOST_AUTO_TEST_CASE(mangled_imeis_are_refused_and_store_nothing) {
  std::mt19937_64 rng(TestSeed("admin_mangled_imeis"));
  BOOST_TEST_REQUIRE(Submit(Block(Imeis(35209900176148, 1))).ok());
  for (int round = 0; round < 40; ++round) {
    const size_t n = 1 + rng() % 5, at = rng() % n;
    std::vector<std::string> imeis = Imeis(10000000000000 + rng() % 1000, n);
    std::string& victim = imeis[at];
    const size_t pos = rng() % victim.size();
    std::string rule;
    switch (rng() % 3) {
      case 0:  // Luhn catches every single-digit change
        victim[pos] = char('0' + (victim[pos] - '0' + 1 + rng() % 9) % 10);
        rule = "wrong check digit";
        break;
      case 1:
        victim[pos] = char('a' + rng() % 26);
        rule = "at position " + std::to_string(pos + 1) + " is not a digit";
        break;
      default:
        victim.erase(pos % 13, 2);
        rule = "IMEI has 13 digits";
    }
    BOOST_TEST_CONTEXT("round " << round << ", IMEI " << at + 1 << " of " << n
                                << ": \"" << victim << "\"") {
      BOOST_CHECK_GRPC(Submit(Block(imeis)), StatusCode::INVALID_ARGUMENT,
                       "IMEI " + std::to_string(at + 1) + " of " +
                           std::to_string(n) + " (\"" + victim + "\"): ");
      BOOST_CHECK_GRPC(Submit(Block(imeis)), StatusCode::INVALID_ARGUMENT,
                       rule);
    }
  }
  BOOST_TEST(LogSize() == 1u);
}

BOOST_AUTO_TEST_CASE(prefetch_tags_rejects_an_empty_call_and_a_bad_imei) {
  v1::PrefetchTagsRequest r;
  v1::PrefetchTagsResponse response;
  BOOST_CHECK_GRPC(admin->PrefetchTags(Ctx().get(), r, &response),
                   StatusCode::INVALID_ARGUMENT,
                   "give 1 to 200000 IMEIs per call, not 0");
  r.add_imeis(Imeis(35209900176148, 1)[0]);
  r.add_imeis("35209900-17614");
  BOOST_CHECK_GRPC(admin->PrefetchTags(Ctx().get(), r, &response),
                   StatusCode::INVALID_ARGUMENT,
                   "IMEI 2 of 2: IMEI has 13 digits");
}

BOOST_AUTO_TEST_CASE(local_pair_rejects_a_malformed_imsi_and_stores_nothing) {
  v1::LocalPairRequest r;
  v1::LocalResponse response;
  r.set_imei(Imeis(35209900176148, 1)[0]);
  for (const char* imsi : {"1234", "1234567890123456", "40101x234567890"}) {
    r.set_imsi(imsi);
    BOOST_CHECK_GRPC(admin->LocalPair(Ctx().get(), r, &response),
                     StatusCode::INVALID_ARGUMENT,
                     "IMSI must be 5 to 15 digits");
  }
  r.set_imsi("401011234567890");
  r.set_imei("not an imei");
  BOOST_CHECK_GRPC(admin->LocalPair(Ctx().get(), r, &response),
                   StatusCode::INVALID_ARGUMENT, "is not a digit");
  v1::NodeStatus status;
  BOOST_TEST_REQUIRE(
      admin->Status(Ctx().get(), v1::StatusRequest(), &status).ok());
  BOOST_TEST(status.local_pairs() == 0u);
}

BOOST_AUTO_TEST_CASE(publish_bundle_refuses_garbage_and_keeps_the_bundle) {
  const uint64_t before = op1->bundles().Current()->bundle.version;
  v1::SignedBundle garbage;
  garbage.set_toml("version = 99\nnot toml at all [[[");
  garbage.set_signature("not a signature");
  v1::OfferBundleResponse response;
  const grpc::Status s = admin->PublishBundle(Ctx().get(), garbage, &response);
  BOOST_TEST(s.error_code() == StatusCode::INVALID_ARGUMENT, s.error_message());
  BOOST_TEST(op1->bundles().Current()->bundle.version == before);
  BOOST_TEST(served.events().bundle_changes() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
