// The pure parts of the HTTP face, called directly: PEI parsing,
// ProblemDetails and log redaction.
#include <boost/test/unit_test.hpp>

#include "tests/node/http/api_fixture.h"

namespace imeisync::node::http {
namespace {

BOOST_AUTO_TEST_SUITE(parse_pei)

BOOST_AUTO_TEST_CASE(accepts_imei_and_imeisv) {
  auto a = ParsePei("imei-490154203237518");
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST(!a->imeisv);
  BOOST_TEST(a->digits == "490154203237518");
  auto b = ParsePei("imeisv-3520990017614823");
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST(b->imeisv);
  BOOST_TEST(b->digits == "3520990017614823");
  // The check digit is the hook's business.
  BOOST_TEST(ParsePei("imei-490154203237510").ok());
}

BOOST_AUTO_TEST_CASE(rejections_say_what_is_wrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty PEI"},
      {"imei-", "imei- PEI has 0 digits; expected 15"},
      {"imei-123", "imei- PEI has 3 digits; expected 15"},
      {"imei-3520990017614823", "imei- PEI has 16 digits; expected 15"},
      {"imeisv-352099001761481", "imeisv- PEI has 15 digits; expected 16"},
      {"490154203237518", "PEI must start with \"imei-\" or \"imeisv-\""},
      {"IMEI-490154203237518", "PEI must start with \"imei-\" or \"imeisv-\""},
      {"mac-00-11-22-33-44-55", "PEI must start with \"imei-\" or \"imeisv-\""},
      {"imei-49015420323751x",
       "character 'x' at position 20 of the PEI is not a digit"},
      {"imei-4901542032 7518",
       "byte 0x20 at position 16 of the PEI is not a digit"},
      {"imeisv-\xc3\xa9", "byte 0xC3 at position 8 of the PEI is not a digit"},
  };
  for (const auto& [input, message] : cases) {
    BOOST_TEST_CONTEXT(input) {
      auto r = ParsePei(input);
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(r.status().message() == message);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(problem)

BOOST_AUTO_TEST_CASE(has_status_title_detail_cause_and_problem_json_type) {
  const HttpResponse r = Problem(400, "Bad Request", "pei is required",
                                 "MANDATORY_QUERY_PARAM_MISSING");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.content_type == "application/problem+json");
  BOOST_TEST(
      r.body ==
      R"({"status":400,"title":"Bad Request","detail":"pei is required",)"
      R"("cause":"MANDATORY_QUERY_PARAM_MISSING"})");
}

BOOST_AUTO_TEST_CASE(omits_empty_detail_and_cause_and_survives_bad_utf8) {
  BOOST_TEST(Problem(405, "Method Not Allowed", "", "").body ==
             R"({"status":405,"title":"Method Not Allowed"})");
  const nlohmann::json j =
      nlohmann::json::parse(Problem(400, "Bad", "x\xff\"y", "").body);
  BOOST_TEST(j.at("detail").get<std::string>() == "x\xef\xbf\xbd\"y");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(redact)

BOOST_AUTO_TEST_CASE(masks_runs_of_five_or_more_digits_and_keeps_shorter) {
  BOOST_TEST(Redact("pei imei-490154203237518 ok") == "pei imei-# ok");
  BOOST_TEST(Redact("12345") == "#");
  BOOST_TEST(Redact("v1234 and 12 34567") == "v1234 and 12 #");
}

BOOST_AUTO_TEST_CASE(replaces_non_printable_bytes_and_cuts_at_200) {
  BOOST_TEST(Redact("a\r\n\x7f\xc3\xa9"
                    "b") == "a?????b");
  BOOST_TEST(Redact(std::string(500, 'x')) == std::string(200, 'x'));
}

BOOST_AUTO_TEST_CASE(path_of_drops_the_query) {
  BOOST_TEST(PathOf("/n5g-eir-eic/v1/equipment-status?pei=imei-1") ==
             "/n5g-eir-eic/v1/equipment-status");
  BOOST_TEST(PathOf("/metrics") == "/metrics");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::http
