// The Check service answers a malformed request with INVALID_ARGUMENT
// naming the rule it breaks, without repeating the input; on a stream only
// that request's result carries the error.
#include "node/rpc/check_service.h"

#include <boost/test/unit_test.hpp>

#include "tests/node/rpc/rpc_fixture.h"

namespace imeisync::testing {
namespace {

using grpc::StatusCode;

// op1 served, with one device blocked in its own log.
struct Op1Checks : ServedOp1WithBlock {
  std::unique_ptr<v1::Check::Stub> check = served.Check();

  grpc::Status Check(const std::string& imei, const std::string& imsi,
                     v1::CheckResponse* out = nullptr) {
    v1::CheckRequest r;
    r.set_imei(imei);
    r.set_imsi(imsi);
    r.set_request_id(77);
    v1::CheckResponse response;
    return check->Check(Ctx().get(), r, out != nullptr ? out : &response);
  }
};

BOOST_FIXTURE_TEST_SUITE(check_service, Op1Checks)

BOOST_AUTO_TEST_CASE(check_answers_a_well_formed_request) {
  v1::CheckResponse response;
  BOOST_TEST_REQUIRE(Check(blocked, "401011234567890", &response).ok());
  BOOST_TEST(response.status() == v1::BLACKLISTED);
  BOOST_TEST(response.request_id() == 77u);
  BOOST_TEST(response.causes_size() == 1);
  BOOST_TEST_REQUIRE(Check(Imeis(35209900176149, 1)[0], "", &response).ok());
  BOOST_TEST(response.status() == v1::WHITELISTED);
}

BOOST_AUTO_TEST_CASE(check_rejects_a_malformed_imei_naming_the_rule) {
  const std::string wrong_luhn =
      blocked.substr(0, 14) + char('0' + (blocked[14] - '0' + 1) % 10);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty IMEI"},
      {"35209900x76148", "character 'x' at position 9 is not a digit"},
      {"3520990017614", "IMEI has 13 digits; expected 14, 15"},
      {"35209900176148123", "IMEI has 17 digits"},
      {wrong_luhn, "wrong check digit"},
  };
  for (const auto& [imei, why] : bad) {
    BOOST_TEST_CONTEXT("IMEI \"" << imei << "\"") {
      const grpc::Status s = Check(imei, "");
      BOOST_CHECK_GRPC(s, StatusCode::INVALID_ARGUMENT, why);
      // Safe to log: the input is not quoted back.
      if (imei.size() > 8) {
        BOOST_TEST(s.error_message().find(imei.substr(0, 8)) ==
                   std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(check_rejects_an_imsi_outside_5_to_15_digits) {
  for (const char* imsi : {"1234", "1234567890123456", "40101x"}) {
    BOOST_TEST_CONTEXT("IMSI \"" << imsi << "\"") {
      BOOST_CHECK_GRPC(Check(blocked, imsi), StatusCode::INVALID_ARGUMENT,
                       "IMSI must be 5 to 15 digits");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_malformed_request_on_a_stream_fails_only_its_result) {
  auto context = Ctx();
  auto stream = check->CheckStream(context.get());
  const std::vector<std::string> imeis = {blocked, "35209900x76148", blocked};
  for (size_t i = 0; i < imeis.size(); ++i) {
    v1::CheckRequest r;
    r.set_imei(imeis[i]);
    r.set_request_id(i + 1);
    BOOST_TEST_REQUIRE(stream->Write(r));
  }
  stream->WritesDone();
  std::vector<v1::CheckResponse> got;
  v1::CheckResponse response;
  while (stream->Read(&response)) got.push_back(response);
  BOOST_TEST(stream->Finish().ok());
  BOOST_TEST_REQUIRE(got.size() == 3u);
  for (size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST(got[i].request_id() == i + 1);
  }
  BOOST_TEST(got[0].status() == v1::BLACKLISTED);
  BOOST_TEST(got[1].status() == v1::EQUIPMENT_STATUS_UNSPECIFIED);
  BOOST_TEST(got[1].error() == "character 'x' at position 9 is not a digit");
  BOOST_TEST(got[2].status() == v1::BLACKLISTED);
  BOOST_TEST(got[0].error().empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
