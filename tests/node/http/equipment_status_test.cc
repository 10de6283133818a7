// The N5g-eir API (MakeHttpApi) and its routes, driven by a real Beast
// client over loopback against fake node hooks.
#include <boost/test/unit_test.hpp>

#include "tests/node/http/api_fixture.h"

namespace imeisync::node::http {
namespace {

BOOST_AUTO_TEST_SUITE(equipment_status)

BOOST_AUTO_TEST_CASE(answers_each_status_as_eir_response_data) {
  ApiServer api;
  BOOST_TEST(api.Status("pei=imei-490154203237518") == "WHITELISTED");
  BOOST_TEST(api.Status("pei=imei-352099001761481") == "BLACKLISTED");
  BOOST_TEST(api.Status("pei=imeisv-3520990017614823") == "GREYLISTED");
  const auto [pei, imsi] = api.node.LastCall();
  BOOST_TEST(pei.imeisv);
  BOOST_TEST(pei.digits == "3520990017614823");
  BOOST_TEST(!imsi.has_value());
}

BOOST_AUTO_TEST_CASE(passes_the_imsi_digits_of_supi_to_the_hook) {
  ApiServer api;
  BOOST_TEST(api.Status("supi=imsi-001010000000001&pei=imei-490154203237518") ==
             "WHITELISTED");
  const auto [pei, imsi] = api.node.LastCall();
  BOOST_TEST(!pei.imeisv);
  BOOST_TEST(pei.digits == "490154203237518");
  BOOST_TEST_REQUIRE(imsi.has_value());
  BOOST_TEST(*imsi == "001010000000001");
}

BOOST_AUTO_TEST_CASE(percent_decodes_query_values_and_ignores_other_params) {
  ApiServer api;
  BOOST_TEST(api.Status("gpsi=msisdn-12345&pei=imei%2D49015420323751%38"
                        "&supi=imsi%2d00101&supported-features=A&flag") ==
             "WHITELISTED");
  const auto [pei, imsi] = api.node.LastCall();
  BOOST_TEST(pei.digits == "490154203237518");
  BOOST_TEST_REQUIRE(imsi.has_value());
  BOOST_TEST(*imsi == "00101");
}

BOOST_AUTO_TEST_CASE(missing_pei_is_mandatory_query_param_missing) {
  ApiServer api;
  for (const std::string& target :
       {std::string(kEquipmentStatus), std::string(kEquipmentStatus) + "?",
        std::string(kEquipmentStatus) + "?supi=imsi-00101&gpsi=x"}) {
    BOOST_TEST_CONTEXT(target) {
      ExpectProblem(api.Get(target), 400, "MANDATORY_QUERY_PARAM_MISSING");
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_pei_is_mandatory_query_param_incorrect) {
  ApiServer api;
  const std::string base = std::string(kEquipmentStatus) + "?pei=";
  const std::string d = ExpectProblem(api.Get(base + "imei-123"), 400,
                                      "MANDATORY_QUERY_PARAM_INCORRECT");
  BOOST_TEST(d == "imei- PEI has 3 digits; expected 15");
  ExpectProblem(api.Get(base + "imeisv-352099001761481"), 400,
                "MANDATORY_QUERY_PARAM_INCORRECT");
  ExpectProblem(api.Get(base + "imei-49015420323751x"), 400,
                "MANDATORY_QUERY_PARAM_INCORRECT");
  ExpectProblem(api.Get(base + "490154203237518"), 400,
                "MANDATORY_QUERY_PARAM_INCORRECT");
  ExpectProblem(api.Get(base), 400, "MANDATORY_QUERY_PARAM_INCORRECT");
  ExpectProblem(api.Get(base + "imei%2"), 400,
                "MANDATORY_QUERY_PARAM_INCORRECT");
  ExpectProblem(api.Get(base + "imei-490154203237518&pei=imei-490154203237518"),
                400, "MANDATORY_QUERY_PARAM_INCORRECT");
}

BOOST_AUTO_TEST_CASE(malformed_supi_is_optional_query_param_incorrect) {
  ApiServer api;
  const std::string base =
      std::string(kEquipmentStatus) + "?pei=imei-490154203237518&supi=";
  for (const char* supi : {"imsi-1234", "imsi-1234567890123456", "imsi-0010a",
                           "nai-user@example.org", "",
                           "imsi-00101&supi=imsi-"
                           "00102"}) {
    BOOST_TEST_CONTEXT(supi) {
      ExpectProblem(api.Get(base + supi), 400,
                    "OPTIONAL_QUERY_PARAM_INCORRECT");
    }
  }
}

BOOST_AUTO_TEST_CASE(hook_errors_map_to_spec_statuses_and_causes) {
  LogCapture log;  // before the server: its threads must see it from birth
  ApiServer api;
  const std::string base = std::string(kEquipmentStatus) + "?pei=imei-";
  BOOST_TEST(ExpectProblem(api.Get(base + "490154203237510"), 400,
                           "MANDATORY_QUERY_PARAM_INCORRECT") ==
             "wrong check digit 0; expected 8");
  ExpectProblem(api.Get(base + "111111111111111"), 404,
                "ERROR_EQUIPMENT_UNKNOWN");
  ExpectProblem(api.Get(base + "222222222222222"), 503, "");
  ExpectProblem(api.Get(base + "444444444444444"), 503, "NF_CONGESTION");
  ExpectProblem(api.Get(base + "333333333333333"), 500, "SYSTEM_FAILURE");
  // Server-side failures are logged, never with the PEI.
  api.server->Stop();  // joins the io threads: the log is complete and still
  BOOST_TEST(log.text().find("lookup failed") != std::string::npos);
  BOOST_TEST(log.text().find("33333") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_throwing_hook_is_a_500_logged_without_the_query) {
  LogCapture log;  // before the server: its threads must see it from birth
  ApiServer api;
  const Reply r = api.Get(std::string(kEquipmentStatus) +
                          "?pei=imei-999999999999999&supi=imsi-00101");
  ExpectProblem(r, 500, "SYSTEM_FAILURE");
  api.server->Stop();  // joins the io threads: the log is complete and still
  const std::string text = log.text();
  BOOST_TEST(text.find("[warning]") != std::string::npos, text);
  BOOST_TEST(text.find(kEquipmentStatus) != std::string::npos, text);
  BOOST_TEST(text.find("exploded") != std::string::npos, text);
  BOOST_TEST(text.find("99999") == std::string::npos, text);
  BOOST_TEST(text.find("pei=") == std::string::npos, text);
  BOOST_TEST(text.find("00101") == std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(unknown_path_is_404_resource_uri_structure_not_found) {
  ApiServer api;
  for (const char* target :
       {"/", "/nope", "/metrics/", "/healthz/",
        "/n5g-eir-eic/v1/equipment-status/imei-490154203237518",
        "/n5g-eir-eic/v1/other"}) {
    BOOST_TEST_CONTEXT(target) {
      const std::string d = ExpectProblem(api.Get(target), 404,
                                          "RESOURCE_URI_STRUCTURE_NOT_FOUND");
      BOOST_TEST(d.find("490154") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(other_api_version_is_400_invalid_api) {
  ApiServer api;
  ExpectProblem(api.Get("/n5g-eir-eic/v2/equipment-status?pei=imei-"
                        "490154203237518"),
                400, "INVALID_API");
}

BOOST_AUTO_TEST_CASE(methods_other_than_get_are_405_with_allow_get) {
  ApiServer api;
  for (bhttp::verb method :
       {bhttp::verb::post, bhttp::verb::put, bhttp::verb::delete_}) {
    for (const char* path : {"/metrics", "/healthz",
                             "/n5g-eir-eic/v1/equipment-status?pei=imei-"
                             "490154203237518"}) {
      BOOST_TEST_CONTEXT(bhttp::to_string(method) << " " << path) {
        const Reply r = Client(api.port()).Get(path, method);
        ExpectProblem(r, 405, "");
        BOOST_TEST(r.allow == "GET");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(metrics_serves_the_hook_text_as_prometheus_0_0_4) {
  ApiServer api;
  const Reply r = api.Get("/metrics");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.content_type == "text/plain; version=0.0.4; charset=utf-8");
  BOOST_TEST(r.body == "imeisync_up 1\n");
}

BOOST_AUTO_TEST_CASE(healthz_is_ok_or_a_503_problem_with_the_message) {
  ApiServer api;
  Reply r = api.Get("/healthz");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "ok\n");
  api.node.SetHealthy(false);
  BOOST_TEST(ExpectProblem(api.Get("/healthz"), 503, "") == "store not open");
}

BOOST_AUTO_TEST_CASE(an_empty_hook_leaves_its_route_unserved) {
  HttpApiHooks hooks;
  hooks.health = [] { return Status::Ok(); };
  const HttpHandler api = MakeHttpApi(std::move(hooks));
  BOOST_TEST(api({"GET", "/healthz"}).status == 200);
  BOOST_TEST(api({"GET", "/metrics"}).status == 404);
  BOOST_TEST(
      api({"GET", "/n5g-eir-eic/v1/equipment-status?pei=imei-490154203237518"})
          .status == 404);
}

BOOST_AUTO_TEST_CASE(absolute_form_targets_route_by_their_path) {
  HttpApiHooks hooks;
  hooks.health = [] { return Status::Ok(); };
  const HttpHandler api = MakeHttpApi(std::move(hooks));
  BOOST_TEST(api({"GET", "http://node.example:8080/healthz"}).status == 200);
  BOOST_TEST(api({"GET", "http://node.example:8080"}).status == 404);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::http
