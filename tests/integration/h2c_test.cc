// A real imeisyncd's N5g-eir listener over HTTP/2 with prior knowledge
// (h2c), as an Open5GS AMF calls it, with curl --http2-prior-knowledge and
// nghttp; HTTP/1.1 on the same port; and garbage that must not hurt it.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "node/federation/node_config.h"
#include "tests/integration/test_federation.h"
#include "tests/support/http_clients.h"
#include "tests/support/raw_h2.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

struct H2cNode {
  TestFederation fed;
  std::string base;  // http://host:port of op1's listener

  H2cNode() {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    fed.ShareLatestBundle();
    for (const char* id : {"ministry", "op1"}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
    auto config = node::federation::LoadNodeConfig(fed.Config("op1"));
    BOOST_TEST_REQUIRE(config.ok(), config.status().ToString());
    BOOST_TEST_REQUIRE(!config->http_listen.empty());
    base = "http://" + config->http_listen;
  }
  std::string Eir(const std::string& pei) const {
    return base + "/n5g-eir-eic/v1/equipment-status?pei=" + pei;
  }
  uint16_t port() const {
    return static_cast<uint16_t>(std::stoi(base.substr(base.rfind(':') + 1)));
  }
  CurlReply H2(const std::string& url) const {
    CurlReply r = Curl(url, /*h2_prior_knowledge=*/true);
    BOOST_TEST_REQUIRE(r.exit_code == 0, "curl: " << r.err);
    BOOST_TEST(r.version == "2");
    return r;
  }
};

BOOST_AUTO_TEST_SUITE(h2c)

BOOST_AUTO_TEST_CASE(curl_and_nghttp_get_verdicts_over_prior_knowledge) {
  H2cNode n;
  const std::string imei = SequentialImeis(35'209'900'176'148, 1)[0];
  CurlReply r = n.H2(n.Eir("imei-" + imei));
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.body == R"({"status":"WHITELISTED"})");

  BOOST_TEST_REQUIRE(n.fed.Submit("op1", "block", "stolen", {imei}).exit_code ==
                     0);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        return n.H2(n.Eir("imei-" + imei)).body ==
               R"({"status":"BLACKLISTED"})";
      },
      seconds(20)));
  const CommandResult g = Nghttp({n.Eir("imei-" + imei)});
  BOOST_TEST_REQUIRE(g.exit_code == 0, g.err);
  BOOST_TEST(Count(g.out, ":status: 200") == 1u);
  BOOST_TEST(Count(g.out, R"({"status":"BLACKLISTED"})") == 1u);

  r = n.H2(n.Eir("imei-35209900176148"));  // 14 digits
  BOOST_TEST(r.code == 400);
  BOOST_TEST(r.content_type == "application/problem+json");
  BOOST_TEST(nlohmann::json::parse(r.body)["cause"] ==
             "MANDATORY_QUERY_PARAM_INCORRECT");
  // The log never holds the IMEI, whichever protocol asked.
  BOOST_TEST(n.fed.Log("op1").find(imei.substr(0, 14)) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(healthz_metrics_and_concurrent_streams) {
  H2cNode n;
  CurlReply r = n.H2(n.base + "/healthz");
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.body == "ok\n");
  r = n.H2(n.base + "/metrics");
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.body.find("# TYPE") != std::string::npos);

  const std::string imei = SequentialImeis(35'209'900'000'000, 1)[0];
  const CommandResult g = Nghttp({"-m", "30", n.Eir("imei-" + imei)});
  BOOST_TEST_REQUIRE(g.exit_code == 0, g.err);
  BOOST_TEST(Count(g.out, ":status: 200") == 30u);
  BOOST_TEST(Count(g.out, R"({"status":"WHITELISTED"})") == 30u);
  BOOST_TEST(Count(NghttpFrame(g.out, "recv SETTINGS frame <length=12"),
                   "[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]") == 1u);

  // HTTP/1.1 on the same port, unchanged.
  r = Curl(n.Eir("imei-" + imei), /*h2_prior_knowledge=*/false);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.version == "1.1");
  BOOST_TEST(r.body == R"({"status":"WHITELISTED"})");
}

BOOST_AUTO_TEST_CASE(garbage_gets_goaway_and_the_daemon_serves_on) {
  H2cNode n;
  const std::vector<std::string> garbage = {
      "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n",  // broken preface
      std::string(kH2Preface) + EncodeFrame(0x4, 0, 0, "") +
          EncodeFrame(0x1, 0x4, 0, "\x82"),  // HEADERS on stream 0
      std::string(kH2Preface) + std::string(64, '\xff'),
  };
  for (const std::string& bytes : garbage) {
    RawConnection c(n.port());
    c.Write(bytes);
    bool closed = false;
    const std::string got = c.ReadUntilClosed(std::chrono::seconds(5), closed);
    BOOST_TEST(closed);
    BOOST_TEST(GoawayCode(ParseFrames(got)) == 1);  // PROTOCOL_ERROR
  }
  BOOST_TEST(n.fed.Running("op1"));
  BOOST_TEST(n.H2(n.base + "/healthz").code == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
