// HttpServer's HTTP/2 with prior knowledge (h2c) on its one port, driven by
// independent clients: curl --http2-prior-knowledge, nghttp, and raw bytes
// for what no client would send.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "node/http/http_api.h"
#include "node/http/http_server.h"
#include "tests/support/http_clients.h"
#include "tests/support/raw_h2.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::http {
namespace {

using namespace std::chrono_literals;
using testing::Count;
using testing::Curl;
using testing::CurlReply;
using testing::Nghttp;

constexpr int64_t kProtocolError = 0x1;
constexpr uint8_t kHeadersFrame = 0x1;
constexpr uint8_t kSettingsFrame = 0x4;
constexpr uint8_t kPingFrame = 0x6;
constexpr uint8_t kEndHeaders = 0x4;

HttpApiHooks FakeHooks() {
  HttpApiHooks h;
  h.equipment_status =
      [](const Pei& pei,
         const std::optional<std::string>&) -> Result<EquipmentStatus> {
    if (pei.digits == "490154203237518") return EquipmentStatus::kWhitelisted;
    if (pei.digits == "352099001761481") return EquipmentStatus::kBlacklisted;
    if (pei.digits == "999999999999999") {
      throw std::runtime_error("lookup of 999999999999999 exploded");
    }
    return NotFound("equipment not known");
  };
  h.metrics = [] { return std::string("imeisync_up 1\n"); };
  h.health = [] { return Status::Ok(); };
  return h;
}

struct H2Server {
  explicit H2Server(HttpServerOptions options = {}) {
    auto s =
        HttpServer::Start("127.0.0.1:0", MakeHttpApi(FakeHooks()), 2, options);
    BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
    server = std::move(*s);
  }
  std::string Url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + target;
  }
  std::string Eir(const std::string& pei) const {
    return Url("/n5g-eir-eic/v1/equipment-status?pei=" + pei);
  }
  // curl's HTTP/2 answer to `url`, which must come.
  CurlReply H2(const std::string& url,
               const std::vector<std::string>& extra = {}) const {
    CurlReply r = Curl(url, /*h2_prior_knowledge=*/true, extra);
    BOOST_TEST_REQUIRE(r.exit_code == 0, "curl: " << r.err);
    BOOST_TEST(r.version == "2");
    return r;
  }
  // The server still answers a fresh HTTP/2 connection.
  void ServesNewConnections() const {
    CurlReply r = H2(Eir("imei-490154203237518"));
    BOOST_TEST(r.code == 200);
    BOOST_TEST(r.body == R"({"status":"WHITELISTED"})");
  }

  std::unique_ptr<HttpServer> server;
};

BOOST_AUTO_TEST_SUITE(h2c)

BOOST_AUTO_TEST_CASE(curl_prior_knowledge_gets_each_status_and_problems) {
  H2Server s;
  CurlReply r = s.H2(s.Eir("imei-490154203237518"));
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.body == R"({"status":"WHITELISTED"})");
  r = s.H2(s.Eir("imei-352099001761481"));
  BOOST_TEST(r.body == R"({"status":"BLACKLISTED"})");
  r = s.H2(s.Eir("imei-12345"));
  BOOST_TEST(r.code == 400);
  BOOST_TEST(r.content_type == "application/problem+json");
  BOOST_TEST(nlohmann::json::parse(r.body)["cause"] ==
             "MANDATORY_QUERY_PARAM_INCORRECT");
  r = s.H2(s.Eir("imei-111111111111111"));
  BOOST_TEST(r.code == 404);
  BOOST_TEST(nlohmann::json::parse(r.body)["cause"] ==
             "ERROR_EQUIPMENT_UNKNOWN");
}

BOOST_AUTO_TEST_CASE(three_gpp_sbi_headers_are_accepted) {
  H2Server s;
  CurlReply r = s.H2(
      s.Eir("imei-352099001761481"),
      {"-H", "3gpp-Sbi-Message-Priority: 10", "-H",
       "3gpp-Sbi-Target-apiRoot: http://eir.example", "-H",
       "3gpp-Sbi-Discovery-Target-Nf-Type: 5G_EIR", "-H", "user-agent: AMF"});
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.body == R"({"status":"BLACKLISTED"})");
}

BOOST_AUTO_TEST_CASE(healthz_metrics_and_405_with_allow) {
  H2Server s;
  CurlReply r = s.H2(s.Url("/healthz"));
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.body == "ok\n");
  r = s.H2(s.Url("/metrics"));
  BOOST_TEST(r.code == 200);
  BOOST_TEST(r.body == "imeisync_up 1\n");
  r = s.H2(s.Url("/healthz"), {"-X", "DELETE", "-D", "-"});
  BOOST_TEST(r.code == 405);
  // The handler's "Allow" goes out in lower case, as HTTP/2 requires.
  BOOST_TEST(r.body.find("allow: GET") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_is_a_500_problem) {
  H2Server s;
  CurlReply r = s.H2(s.Eir("imei-999999999999999"));
  BOOST_TEST(r.code == 500);
  BOOST_TEST(nlohmann::json::parse(r.body)["cause"] == "SYSTEM_FAILURE");
}

BOOST_AUTO_TEST_CASE(nghttp_gets_many_concurrent_streams_on_one_connection) {
  H2Server s;
  const auto r = Nghttp({"-m", "40", s.Eir("imei-490154203237518")});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Count(r.out, ":status: 200") == 40u);
  BOOST_TEST(Count(r.out, R"({"status":"WHITELISTED"})") == 40u);
  // One connection: one SETTINGS from the server, announcing our limits.
  BOOST_TEST(Count(r.out, "recv SETTINGS frame <length=12") == 1u, r.out);
  const std::string settings =
      testing::NghttpFrame(r.out, "recv SETTINGS frame <length=12");
  BOOST_TEST(
      Count(settings, "[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]") == 1u,
      settings);
  BOOST_TEST(
      Count(settings, "[SETTINGS_MAX_HEADER_LIST_SIZE(0x06):8192]") == 1u,
      settings);
}

BOOST_AUTO_TEST_CASE(nghttp_gets_different_routes_on_one_connection) {
  H2Server s;
  const auto r =
      Nghttp({s.Eir("imei-490154203237518"), s.Eir("imei-352099001761481"),
              s.Eir("imei-x"), s.Url("/healthz"), s.Url("/nope")});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Count(r.out, R"({"status":"WHITELISTED"})") == 1u);
  BOOST_TEST(Count(r.out, R"({"status":"BLACKLISTED"})") == 1u);
  BOOST_TEST(Count(r.out, ":status: 400") == 1u);
  BOOST_TEST(Count(r.out, ":status: 404") == 1u);
  BOOST_TEST(Count(r.out, "content-type: application/problem+json") == 2u);
  BOOST_TEST(Count(r.out, "ok\n") == 1u);
}

BOOST_AUTO_TEST_CASE(http_1_1_still_works_on_the_same_port) {
  H2Server s;
  CurlReply r = Curl(s.Eir("imei-490154203237518"), false);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.version == "1.1");
  BOOST_TEST(r.body == R"({"status":"WHITELISTED"})");
  // A request line that only starts like the preface is HTTP/1.1.
  r = Curl(s.Url("/healthz"), false, {"-X", "PRI"});
  BOOST_TEST(r.version == "1.1");
  BOOST_TEST(r.code == 405);
}

BOOST_AUTO_TEST_CASE(oversize_headers_are_431_and_the_connection_lives) {
  HttpServerOptions o;
  o.max_header_bytes = 1024;
  H2Server s(o);
  const std::string big = "x-big: " + std::string(2000, 'a');
  const auto r =
      Nghttp({"-H", big, s.Eir("imei-490154203237518"), s.Url("/healthz")});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(Count(r.out, ":status: 431") == 2u, r.out);
  BOOST_TEST(Count(r.out, "recv GOAWAY") == 0u);
  s.ServesNewConnections();
}

BOOST_AUTO_TEST_CASE(oversize_body_is_413) {
  HttpServerOptions o;
  o.max_body_bytes = 1000;
  H2Server s(o);
  testing::TempDir dir;
  const std::string file = dir.File("body");
  std::ofstream(file) << std::string(50'000, 'b');
  const auto r = Nghttp({"-d", file, s.Url("/healthz")});
  BOOST_TEST(Count(r.out, ":status: 413") == 1u, r.out);
  s.ServesNewConnections();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(h2c_garbage)

// The server's answer to `bytes` sent on a new connection, which it must
// close within 5 s.
std::vector<testing::H2Frame> AnswerThenClose(const H2Server& s,
                                              const std::string& bytes) {
  testing::RawConnection c(s.server->port());
  c.Write(bytes);
  bool closed = false;
  const std::string got = c.ReadUntilClosed(5s, closed);
  BOOST_TEST(closed, "the server kept the connection open");
  return testing::ParseFrames(got);
}

BOOST_AUTO_TEST_CASE(a_broken_preface_gets_goaway_protocol_error) {
  H2Server s;
  const auto frames = AnswerThenClose(s, "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n");
  BOOST_TEST(testing::GoawayCode(frames) == kProtocolError);
  s.ServesNewConnections();
}

BOOST_AUTO_TEST_CASE(headers_on_stream_zero_get_goaway_protocol_error) {
  H2Server s;
  const std::string bytes =
      std::string(testing::kH2Preface) +
      testing::EncodeFrame(kSettingsFrame, 0, 0, "") +
      testing::EncodeFrame(kHeadersFrame, kEndHeaders, 0, "\x82");
  const auto frames = AnswerThenClose(s, bytes);
  BOOST_TEST_REQUIRE(!frames.empty());
  BOOST_TEST(frames[0].type == kSettingsFrame);
  BOOST_TEST(testing::GoawayCode(frames) == kProtocolError);
  s.ServesNewConnections();
}

BOOST_AUTO_TEST_CASE(random_bytes_after_the_preface_end_the_connection) {
  HttpServerOptions o;
  o.idle_timeout = 1000ms;  // bytes that happen to parse end by idling
  H2Server s(o);
  const uint64_t seed = testing::TestSeed("h2c random garbage");
  std::mt19937_64 rng(seed);
  const auto budget = std::chrono::steady_clock::now() + 30s;
  int runs = 0;
  for (; runs < 40 && std::chrono::steady_clock::now() < budget; ++runs) {
    std::string bytes(testing::kH2Preface);
    const size_t n = 1 + rng() % 300;
    for (size_t i = 0; i < n; ++i) bytes += static_cast<char>(rng());
    testing::RawConnection c(s.server->port());
    c.Write(bytes);
    bool closed = false;
    const std::string got = c.ReadUntilClosed(5s, closed);
    BOOST_TEST_REQUIRE(closed, "run " << runs << " of seed " << seed
                                      << ": connection left open");
    // No GOAWAY (-1) when the bytes happened to parse and the connection
    // idled out; never a GOAWAY saying NO_ERROR.
    const int64_t code = testing::GoawayCode(testing::ParseFrames(got));
    BOOST_TEST(code != 0, "run " << runs);
  }
  BOOST_TEST(runs >= 10);
  s.ServesNewConnections();
}

BOOST_AUTO_TEST_CASE(an_idle_connection_is_closed_after_the_timeout) {
  HttpServerOptions o;
  o.idle_timeout = 300ms;
  H2Server s(o);
  testing::RawConnection c(s.server->port());
  c.Write(std::string(testing::kH2Preface) +
          testing::EncodeFrame(kSettingsFrame, 0, 0, ""));
  bool closed = false;
  const auto start = std::chrono::steady_clock::now();
  c.ReadUntilClosed(5s, closed);
  BOOST_TEST(closed);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
}

BOOST_AUTO_TEST_CASE(pings_do_not_keep_a_connection_without_requests_open) {
  HttpServerOptions o;
  o.idle_timeout = 500ms;
  H2Server s(o);
  testing::RawConnection c(s.server->port());
  c.Write(std::string(testing::kH2Preface) +
          testing::EncodeFrame(kSettingsFrame, 0, 0, ""));
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - start < 5s) {
    c.Write(testing::EncodeFrame(kPingFrame, 0, 0, std::string(8, 'p')));
    c.ReadUntilClosed(100ms, closed);
  }
  BOOST_TEST(closed);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::http
