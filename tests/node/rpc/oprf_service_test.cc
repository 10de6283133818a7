// The Oprf service answers only well-formed batches within the caller's
// budget, charges nothing for a refused batch, and says why it refused.
#include "node/rpc/oprf_service.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>

#include "node/tags/oprf_budget.h"
#include "tests/node/rpc/rpc_fixture.h"

namespace imeisync::testing {
namespace {

using grpc::StatusCode;
using node::federation::TagMode;

constexpr uint64_t kBudget = 10;

// ministry, the OPRF evaluator of an oprf-mode federation, served; each
// operator may ask for kBudget evaluations per epoch.
struct Evaluator {
  RpcFederation fed{TagMode::kOprf, kBudget};
  std::unique_ptr<node::core::Node> ministry = fed.Open("ministry");
  ServedNode served{fed, *ministry};
  const uint64_t epoch = fed.bundle().epoch;
  // A valid blinded element: any P-256 point will do, such as the key's.
  const std::string element{fed.bundle().oprf->public_key.begin(),
                            fed.bundle().oprf->public_key.end()};

  grpc::Status Evaluate(const std::string& caller,
                        const std::vector<std::string>& elements,
                        v1::BlindEvaluateResponse* out = nullptr,
                        uint64_t at_epoch = UINT64_MAX) {
    v1::BlindEvaluateRequest r;
    r.set_epoch(at_epoch == UINT64_MAX ? epoch : at_epoch);
    for (const std::string& e : elements) r.add_blinded_elements(e);
    v1::BlindEvaluateResponse response;
    return served.Oprf(caller)->BlindEvaluate(Ctx().get(), r,
                                              out != nullptr ? out : &response);
  }
  // Evaluations charged to `member` in this epoch.
  uint64_t Used(const std::string& member) {
    auto budgets = node::tags::OprfBudgets::Open(ministry->storage().env());
    BOOST_TEST_REQUIRE(budgets.ok(), budgets.status().ToString());
    auto txn = ministry->storage().env().BeginRead();
    BOOST_TEST_REQUIRE(txn.ok(), txn.status().ToString());
    auto used = budgets->Used(*txn, epoch, member);
    BOOST_TEST_REQUIRE(used.ok(), used.status().ToString());
    return *used;
  }
};

BOOST_FIXTURE_TEST_SUITE(oprf_service, Evaluator)

BOOST_AUTO_TEST_CASE(a_well_formed_batch_is_evaluated_and_charged) {
  v1::BlindEvaluateResponse response;
  BOOST_TEST_REQUIRE(
      Evaluate("op1", {element, element, element}, &response).ok());
  BOOST_TEST(response.evaluated_elements_size() == 3);
  BOOST_TEST(response.evaluated_elements(0).size() == 33u);
  BOOST_TEST(response.proof().size() == 64u);
  BOOST_TEST(response.budget_remaining() == kBudget - 3);
  BOOST_TEST(Used("op1") == 3u);
}

BOOST_AUTO_TEST_CASE(a_malformed_element_is_named_and_costs_nothing) {
  std::string off_curve(33, '\xff');
  off_curve[0] = '\x02';
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "blinded element 1: element is empty; expected 33 bytes"},
      {element.substr(0, 32),
       "blinded element 1: element must be 33 bytes (compressed SEC1), got "
       "32"},
      {element + "x", "blinded element 1: element must be 33 bytes"},
      {off_curve,
       "blinded element 1: element's x-coordinate is not below the field "
       "prime p"},
      {std::string(33, '\0'),
       "blinded element 1: element encodes the identity"},
  };
  for (const auto& [e, why] : bad) {
    BOOST_TEST_CONTEXT("element of " << e.size() << " bytes") {
      BOOST_CHECK_GRPC(Evaluate("op1", {element, e, element}),
                       StatusCode::INVALID_ARGUMENT, why);
    }
  }
  BOOST_TEST(Used("op1") == 0u);
}

BOOST_AUTO_TEST_CASE(an_empty_or_oversized_batch_is_refused) {
  BOOST_CHECK_GRPC(Evaluate("op1", {}), StatusCode::INVALID_ARGUMENT,
                   "no blinded element in the batch");
  BOOST_CHECK_GRPC(Evaluate("op1", std::vector<std::string>(10'001, element)),
                   StatusCode::INVALID_ARGUMENT,
                   "batch of 10001 blinded elements; at most 10000 per call");
  BOOST_TEST(Used("op1") == 0u);
}

BOOST_AUTO_TEST_CASE(a_batch_beyond_the_budget_is_resource_exhausted) {
  BOOST_CHECK_GRPC(
      Evaluate("op1", std::vector<std::string>(kBudget + 1, element)),
      StatusCode::RESOURCE_EXHAUSTED,
      "member op1 has 10 of its 10 OPRF evaluations left in epoch " +
          std::to_string(epoch) +
          "; this batch asks for 11. Nothing was evaluated or charged");
  BOOST_TEST(Used("op1") == 0u);
  BOOST_TEST(Evaluate("op1", std::vector<std::string>(kBudget, element)).ok());
  BOOST_CHECK_GRPC(Evaluate("op1", {element}), StatusCode::RESOURCE_EXHAUSTED,
                   "member op1 has 0 of its 10 OPRF evaluations left");
  BOOST_TEST(Used("op1") == kBudget);
  // Budgets are per member.
  BOOST_TEST(Evaluate("op2", {element}).ok());
}

BOOST_AUTO_TEST_CASE(a_member_without_a_budget_is_refused) {
  BOOST_CHECK_GRPC(Evaluate("ministry", {element}),
                   StatusCode::PERMISSION_DENIED,
                   "member ministry (ministry) has no OPRF budget in bundle "
                   "version " +
                       std::to_string(fed.bundle().version));
  BOOST_CHECK_GRPC(Evaluate("aud", {element}), StatusCode::PERMISSION_DENIED,
                   "member aud (auditor) has no OPRF budget");
  BOOST_CHECK_GRPC(Evaluate("late", {element}), StatusCode::PERMISSION_DENIED,
                   "caller late is not a member of bundle version");
  BOOST_TEST(Used("ministry") == 0u);
  BOOST_TEST(Used("aud") == 0u);
}

BOOST_AUTO_TEST_CASE(a_caller_in_another_epoch_is_told_to_retry) {
  BOOST_CHECK_GRPC(
      Evaluate("op1", {element}, nullptr, epoch + 1), StatusCode::UNAVAILABLE,
      "the caller's bundle is for epoch " + std::to_string(epoch + 1) +
          ", the evaluator's for epoch " + std::to_string(epoch) +
          "; retry once both hold the same bundle");
  BOOST_TEST(Used("op1") == 0u);
}

BOOST_AUTO_TEST_CASE(a_salted_federation_has_no_oprf_service) {
  RpcFederation salted;
  auto ministry_salted = salted.Open("ministry");
  auto service = node::rpc::OprfService::Create(*ministry_salted);
  BOOST_TEST(service.status().code() ==
             imeisync::StatusCode::kFailedPrecondition);
  BOOST_TEST(service.status().message() ==
             "node ministry has no oprf_key in node.toml");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
