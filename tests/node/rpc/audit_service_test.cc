// The Audit service refuses a proof request that names no device, or
// names it in a malformed way, saying what to send instead.
#include "node/rpc/audit_service.h"

#include <boost/test/unit_test.hpp>

#include "node/imei.h"
#include "tests/node/rpc/rpc_fixture.h"

namespace imeisync::testing {
namespace {

using grpc::StatusCode;

// op1 served, with one device blocked in its own log.
struct Op1Audit : ServedOp1WithBlock {
  std::unique_ptr<v1::Audit::Stub> audit = served.Audit();

  grpc::Status Prove(const std::string& imei, const std::string& tag,
                     v1::ProveResponse* out = nullptr) {
    v1::ProveRequest r;
    r.set_imei(imei);
    r.set_tag(tag);
    v1::ProveResponse response;
    return audit->Prove(Ctx().get(), r, out != nullptr ? out : &response);
  }
};

BOOST_FIXTURE_TEST_SUITE(audit_service, Op1Audit)

BOOST_AUTO_TEST_CASE(prove_answers_for_an_imei_and_for_its_tag) {
  v1::ProveResponse by_imei, by_tag;
  BOOST_TEST_REQUIRE(Prove(blocked, "", &by_imei).ok());
  BOOST_TEST(!by_imei.proof_json().empty());
  auto tag = op1->tags().TagOf(node::Imei::Parse(blocked)->imei14());
  BOOST_TEST_REQUIRE(tag.ok());
  BOOST_TEST_REQUIRE(
      Prove("", std::string(tag->begin(), tag->end()), &by_tag).ok());
  BOOST_TEST(!by_tag.proof_json().empty());
}

BOOST_AUTO_TEST_CASE(prove_requires_either_an_imei_or_a_tag) {
  BOOST_CHECK_GRPC(Prove("", ""), StatusCode::INVALID_ARGUMENT,
                   "give either an IMEI or a tag, not neither");
  BOOST_CHECK_GRPC(Prove(blocked, std::string(32, 'x')),
                   StatusCode::INVALID_ARGUMENT,
                   "give either an IMEI or a tag, not both");
}

BOOST_AUTO_TEST_CASE(prove_rejects_a_tag_of_other_than_32_bytes) {
  for (size_t size : {1u, 31u, 33u, 64u}) {
    BOOST_TEST_CONTEXT(size << " bytes") {
      BOOST_CHECK_GRPC(Prove("", std::string(size, '\x01')),
                       StatusCode::INVALID_ARGUMENT,
                       "a tag is 32 bytes, got " + std::to_string(size));
    }
  }
}

BOOST_AUTO_TEST_CASE(prove_rejects_a_malformed_imei_naming_the_rule) {
  BOOST_CHECK_GRPC(Prove("35209900x76148", ""), StatusCode::INVALID_ARGUMENT,
                   "character 'x' at position 9 is not a digit");
  BOOST_CHECK_GRPC(Prove("3520990017614", ""), StatusCode::INVALID_ARGUMENT,
                   "IMEI has 13 digits");
  const std::string wrong_luhn =
      blocked.substr(0, 14) + char('0' + (blocked[14] - '0' + 1) % 10);
  BOOST_CHECK_GRPC(Prove(wrong_luhn, ""), StatusCode::INVALID_ARGUMENT,
                   "wrong check digit");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
