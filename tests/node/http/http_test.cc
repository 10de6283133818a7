// HttpServer + MakeHttpApi driven by a real Beast client over loopback, and
// the pure parts (ParsePei, Problem, metrics text) directly.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "node/http/asio_names.h"
#include "node/http/http_api.h"
#include "node/http/http_server.h"
#include "node/http/metrics.h"
#include "node/http/problem.h"
#include "node/http/redact.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::http {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kEquipmentStatus =
    "/n5g-eir-eic/v1/equipment-status";

struct Reply {
  int status = 0;
  std::string content_type;
  std::string allow;
  std::string body;
  bool keep_alive = false;

  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// A blocking HTTP/1.1 client on one connection. Every operation gives up
// after 5 s, so a server that hangs fails the test instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  Reply Get(std::string_view target, bhttp::verb method = bhttp::verb::get) {
    bhttp::request<bhttp::string_body> req(
        method, beast::string_view(target.data(), target.size()), 11);
    req.set(bhttp::field::host, "127.0.0.1");
    Send(req);
    std::optional<Reply> r = Read();
    BOOST_TEST_REQUIRE(r.has_value(), "no reply to " << target);
    return *r;
  }

  void Send(bhttp::request<bhttp::string_body>& req) {
    req.prepare_payload();
    error_code ec;
    stream_.expires_after(5s);
    bhttp::async_write(stream_, req, [&](error_code e, size_t) { ec = e; });
    Run();
    BOOST_TEST_REQUIRE(!ec, "write: " << ec.message());
  }

  // Writes raw bytes; errors (the server may have closed) are returned.
  error_code WriteRaw(std::string_view bytes) {
    error_code ec;
    stream_.expires_after(5s);
    net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                     [&](error_code e, size_t) { ec = e; });
    Run();
    return ec;
  }

  // The next reply, or nullopt if the connection ended first.
  std::optional<Reply> Read() {
    bhttp::response<bhttp::string_body> res;
    error_code ec;
    stream_.expires_after(5s);
    bhttp::async_read(stream_, buffer_, res,
                      [&](error_code e, size_t) { ec = e; });
    Run();
    if (ec) return std::nullopt;
    Reply r;
    r.status = static_cast<int>(res.result_int());
    r.content_type = std::string(res[bhttp::field::content_type]);
    r.allow = std::string(res[bhttp::field::allow]);
    r.body = res.body();
    r.keep_alive = res.keep_alive();
    return r;
  }

  // True if the server closed the connection (EOF or reset) within `limit`.
  bool ClosedWithin(std::chrono::milliseconds limit) {
    char byte;
    error_code ec;
    stream_.expires_after(limit);
    stream_.async_read_some(net::buffer(&byte, 1),
                            [&](error_code e, size_t) { ec = e; });
    Run();
    return ec && ec != beast::error::timeout;
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// Fake hooks: the PEI's digits pick the answer.
class FakeNode {
 public:
  HttpApiHooks Hooks() {
    HttpApiHooks h;
    h.equipment_status =
        [this](
            const Pei& pei,
            const std::optional<std::string>& imsi) -> Result<EquipmentStatus> {
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_pei_ = pei;
        last_imsi_ = imsi;
      }
      const std::string& d = pei.digits;
      if (d == "490154203237518") return EquipmentStatus::kWhitelisted;
      if (d == "352099001761481") return EquipmentStatus::kBlacklisted;
      if (d == "3520990017614823") return EquipmentStatus::kGreylisted;
      if (d == "490154203237510") {
        return InvalidArgument("wrong check digit 0; expected 8");
      }
      if (d == "111111111111111") return NotFound("equipment not known");
      if (d == "222222222222222") return Unavailable("store not open");
      if (d == "444444444444444") return ResourceExhausted("too busy");
      if (d == "999999999999999") {
        throw std::runtime_error("lookup of 999999999999999 exploded");
      }
      return Internal("lookup failed");
    };
    h.metrics = [] { return std::string("imeisync_up 1\n"); };
    h.health = [this] {
      return healthy_.load() ? Status::Ok() : Unavailable("store not open");
    };
    return h;
  }

  std::pair<Pei, std::optional<std::string>> LastCall() {
    std::lock_guard<std::mutex> lock(mu_);
    return {last_pei_, last_imsi_};
  }
  void SetHealthy(bool healthy) { healthy_ = healthy; }

 private:
  std::mutex mu_;
  Pei last_pei_;
  std::optional<std::string> last_imsi_;
  std::atomic<bool> healthy_{true};
};

// A server running MakeHttpApi over a FakeNode on an ephemeral port.
struct ApiServer {
  explicit ApiServer(HttpServerOptions options = {}) {
    auto s =
        HttpServer::Start("127.0.0.1:0", MakeHttpApi(node.Hooks()), 2, options);
    BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
    server = std::move(*s);
  }
  uint16_t port() const { return server->port(); }
  Reply Get(std::string_view target) { return Client(port()).Get(target); }
  std::string Status(std::string_view query) {
    Reply r = Get(std::string(kEquipmentStatus) + "?" + std::string(query));
    BOOST_TEST_REQUIRE(r.status == 200, r.body);
    BOOST_TEST(r.content_type == "application/json");
    return r.Json().at("status").get<std::string>();
  }

  FakeNode node;
  std::unique_ptr<HttpServer> server;
};

// Checks `r` is a problem with `status` and `cause` (empty: none); returns
// its detail.
std::string ExpectProblem(const Reply& r, int status, std::string_view cause) {
  BOOST_TEST(r.status == status);
  BOOST_TEST(r.content_type == "application/problem+json");
  const nlohmann::json j = r.Json();
  BOOST_TEST(j.at("status").get<int>() == status);
  BOOST_TEST(!j.at("title").get<std::string>().empty());
  if (cause.empty()) {
    BOOST_TEST(!j.contains("cause"));
  } else {
    BOOST_TEST(j.value("cause", "") == cause);
  }
  return j.value("detail", "");
}

// Replaces spdlog's default logger for the scope, capturing its text.
class LogCapture {
 public:
  LogCapture() : saved_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(saved_); }
  std::string text() const { return text_.str(); }

 private:
  std::shared_ptr<spdlog::logger> saved_;
  std::ostringstream text_;
};

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

BOOST_AUTO_TEST_SUITE(http_server)

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
  ApiServer api;
  Client c(api.port());
  for (int i = 0; i < 5; ++i) {
    const Reply r = c.Get("/healthz");
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.keep_alive);
  }
  // A problem answer keeps the connection too.
  BOOST_TEST(c.Get("/nope").status == 404);
  BOOST_TEST(c.Get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  ApiServer api;
  Client c(api.port());
  BOOST_TEST_REQUIRE(
      !c.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    auto r = c.Read();
    BOOST_TEST_REQUIRE(r.has_value());
    statuses.push_back(r->status);
  }
  BOOST_TEST((statuses == std::vector<int>{200, 404, 200}));
}

BOOST_AUTO_TEST_CASE(connection_close_and_http_1_0_close_after_the_answer) {
  ApiServer api;
  {
    Client c(api.port());
    BOOST_TEST_REQUIRE(!c.WriteRaw(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    auto r = c.Read();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(!r->keep_alive);
    BOOST_TEST(c.ClosedWithin(3s));
  }
  {
    Client c(api.port());
    BOOST_TEST_REQUIRE(!c.WriteRaw("GET /healthz HTTP/1.0\r\n\r\n"));
    auto r = c.Read();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == 200);
    BOOST_TEST(c.ClosedWithin(3s));
  }
}

BOOST_AUTO_TEST_CASE(malformed_request_is_400_then_close_and_server_lives) {
  ApiServer api;
  Client c(api.port());
  BOOST_TEST_REQUIRE(!c.WriteRaw("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.Read();
  BOOST_TEST_REQUIRE(r.has_value());
  ExpectProblem(*r, 400, "INVALID_MSG_FORMAT");
  BOOST_TEST(!r->keep_alive);
  BOOST_TEST(c.ClosedWithin(3s));
  BOOST_TEST(api.Get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(random_garbage_never_crashes_the_server) {
  ApiServer api;
  std::mt19937_64 rng(testing::TestSeed("random_garbage_never_crashes"));
  for (int i = 0; i < 40; ++i) {
    std::string garbage(1 + rng() % 3000, '\0');
    for (char& ch : garbage) ch = static_cast<char>(rng());
    if (i % 2 == 0) garbage = "GET /healthz HTTP/1.1\r\n" + garbage;
    garbage += "\r\n\r\n";
    Client c(api.port());
    (void)c.WriteRaw(garbage);
    // Any answer must be a well-formed 4xx, and the connection must end.
    if (auto r = c.Read()) {
      BOOST_TEST(r->status >= 400);
      BOOST_TEST(r->status < 500);
    }
  }
  BOOST_TEST(api.Get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(oversize_header_is_431_then_close_and_server_lives) {
  ApiServer api;
  Client c(api.port());
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a') +
      "\r\n\r\n";
  (void)c.WriteRaw(request);
  auto r = c.Read();
  BOOST_TEST_REQUIRE(r.has_value());
  ExpectProblem(*r, 431, "");
  BOOST_TEST(c.ClosedWithin(3s));
  BOOST_TEST(api.Get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(oversize_body_is_413_then_close) {
  ApiServer api;
  Client c(api.port());
  (void)c.WriteRaw(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: "
      "70000\r\n\r\n" +
      std::string(70000, 'b'));
  auto r = c.Read();
  BOOST_TEST_REQUIRE(r.has_value());
  ExpectProblem(*r, 413, "");
  BOOST_TEST(c.ClosedWithin(3s));
  // A body within the limit is read and the method decides (405).
  Client ok(api.port());
  bhttp::request<bhttp::string_body> req(bhttp::verb::post, "/healthz", 11);
  req.body() = std::string(60000, 'c');
  ok.Send(req);
  auto r2 = ok.Read();
  BOOST_TEST_REQUIRE(r2.has_value());
  BOOST_TEST(r2->status == 405);
}

BOOST_AUTO_TEST_CASE(idle_connections_are_closed_after_the_timeout) {
  HttpServerOptions options;
  options.idle_timeout = 300ms;
  ApiServer api(options);
  Client c(api.port());
  BOOST_TEST(c.Get("/healthz").status == 200);
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(c.ClosedWithin(3s));
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 250ms));
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_limit_are_closed_at_once) {
  HttpServerOptions options;
  options.max_connections = 2;
  LogCapture log;
  ApiServer api(options);
  auto first = std::make_unique<Client>(api.port());
  Client second(api.port());
  BOOST_TEST(first->Get("/healthz").status == 200);
  BOOST_TEST(second.Get("/healthz").status == 200);
  Client third(api.port());
  BOOST_TEST(third.ClosedWithin(3s));
  // Once one closes, a new connection is served again.
  first.reset();
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    Client again(api.port());
    (void)again.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = again.Read();
    served = r.has_value() && r->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  BOOST_TEST(served);
  api.server->Stop();
  BOOST_TEST(log.text().find("the limit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_is_a_500_problem) {
  LogCapture log;
  auto s = HttpServer::Start(
      "127.0.0.1:0", [](const HttpRequest&) -> HttpResponse { throw 42; }, 1);
  BOOST_TEST_REQUIRE(s.ok());
  ExpectProblem(Client((*s)->port()).Get("/x?pei=imei-490154203237518"), 500,
                "SYSTEM_FAILURE");
  (*s)->Stop();
  BOOST_TEST(log.text().find("490154") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(handler_headers_are_sent_and_invalid_status_is_500) {
  LogCapture log;
  auto s = HttpServer::Start(
      "127.0.0.1:0",
      [](const HttpRequest& req) {
        HttpResponse r;
        r.status = req.target == "/bad" ? 42 : 201;
        r.content_type = "text/plain";
        r.body = "made";
        r.headers = {{"Allow", "GET"}, {"X-Evil", "a\r\nSet-Cookie: x"}};
        return r;
      },
      1);
  BOOST_TEST_REQUIRE(s.ok());
  Client c((*s)->port());
  const Reply r = c.Get("/good");
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.body == "made");
  BOOST_TEST(r.allow == "GET");
  ExpectProblem(c.Get("/bad"), 500, "SYSTEM_FAILURE");
}

BOOST_AUTO_TEST_CASE(stop_closes_connections_and_is_idempotent) {
  ApiServer api;
  const uint16_t port = api.port();
  Client c(port);
  BOOST_TEST(c.Get("/healthz").status == 200);
  api.server->Stop();
  BOOST_TEST(c.ClosedWithin(3s));
  api.server->Stop();
  BOOST_TEST(api.port() == port);
  // The port is free again.
  auto again = HttpServer::Start(
      "127.0.0.1:" + std::to_string(port),
      [](const HttpRequest&) { return HttpResponse{}; }, 1);
  BOOST_TEST(again.ok(), again.status().ToString());
}

BOOST_AUTO_TEST_CASE(start_rejects_malformed_addresses) {
  const HttpHandler h = [](const HttpRequest&) { return HttpResponse{}; };
  for (const char* listen :
       {"", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536",
        "127.0.0.1:http", "127.0.0.1:-1", "::1:8080", "[::1]", "[::1]8080",
        "[127.0.0.1]:8080", "[nonsense]:80"}) {
    BOOST_TEST_CONTEXT(listen) {
      auto s = HttpServer::Start(listen, h, 1);
      BOOST_TEST_REQUIRE(!s.ok());
      BOOST_TEST(s.status().code() == StatusCode::kInvalidArgument);
    }
  }
  BOOST_TEST(HttpServer::Start("127.0.0.1:0", h, 0).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(HttpServer::Start("127.0.0.1:0", nullptr, 1).status().code() ==
             StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(start_reports_a_busy_port_as_unavailable_naming_it) {
  const HttpHandler h = [](const HttpRequest&) { return HttpResponse{}; };
  auto first = HttpServer::Start("127.0.0.1:0", h, 1);
  BOOST_TEST_REQUIRE(first.ok());
  const std::string listen = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = HttpServer::Start(listen, h, 1);
  BOOST_TEST_REQUIRE(!second.ok());
  BOOST_TEST(second.status().code() == StatusCode::kUnavailable);
  BOOST_TEST(second.status().message().find(listen) != std::string::npos,
             second.status().message());
}

BOOST_AUTO_TEST_CASE(listens_on_ipv6_loopback_and_on_names) {
  const HttpHandler h = [](const HttpRequest&) { return HttpResponse{}; };
  auto v6 = HttpServer::Start("[::1]:0", h, 1);
  if (v6.ok()) {
    BOOST_TEST((*v6)->port() != 0);
  } else {
    // Containers without IPv6: the failure must still be the documented one.
    BOOST_TEST(v6.status().code() == StatusCode::kUnavailable);
    BOOST_TEST_MESSAGE("no IPv6 loopback here: " << v6.status());
  }
  auto named = HttpServer::Start("localhost:0", h, 1);
  BOOST_TEST_REQUIRE(named.ok(), named.status().ToString());
  BOOST_TEST((*named)->port() != 0);
}

BOOST_AUTO_TEST_SUITE_END()

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

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative_and_inf_equals_count) {
  LatencyHistogram h;
  for (double v : {30e-6, 50e-6, 300e-6, 3e-3, 1.0}) h.Observe(v);
  std::string out;
  h.Write(out, "imeisync_http_request_seconds", "Time to answer.");
  BOOST_TEST(out ==
             "# HELP imeisync_http_request_seconds Time to answer.\n"
             "# TYPE imeisync_http_request_seconds histogram\n"
             "imeisync_http_request_seconds_bucket{le=\"5e-05\"} 2\n"
             "imeisync_http_request_seconds_bucket{le=\"0.0001\"} 2\n"
             "imeisync_http_request_seconds_bucket{le=\"0.00025\"} 2\n"
             "imeisync_http_request_seconds_bucket{le=\"0.0005\"} 3\n"
             "imeisync_http_request_seconds_bucket{le=\"0.001\"} 3\n"
             "imeisync_http_request_seconds_bucket{le=\"0.0025\"} 3\n"
             "imeisync_http_request_seconds_bucket{le=\"0.005\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"0.01\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"0.025\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"0.1\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"+Inf\"} 5\n"
             "imeisync_http_request_seconds_sum 1.00338\n"
             "imeisync_http_request_seconds_count 5\n");
}

BOOST_AUTO_TEST_CASE(histogram_ignores_nan_and_counts_negatives_as_zero) {
  LatencyHistogram h;
  h.Observe(std::nan(""));
  h.Observe(-1.0);
  BOOST_TEST(h.count() == 1u);
  std::string out;
  h.Write(out, "x", "h");
  BOOST_TEST(out.find("x_bucket{le=\"5e-05\"} 1\n") != std::string::npos);
  BOOST_TEST(out.find("x_sum 0\n") != std::string::npos, out);
}

// Reads the value of the sample line starting with `prefix`.
uint64_t SampleValue(const std::string& text, const std::string& prefix) {
  const size_t at = text.find("\n" + prefix + " ");
  BOOST_TEST_REQUIRE(at != std::string::npos, prefix);
  return std::stoull(text.substr(at + prefix.size() + 2));
}

BOOST_AUTO_TEST_CASE(histogram_is_consistent_under_concurrent_observers) {
  LatencyHistogram h;
  std::atomic<bool> done{false};
  std::vector<std::thread> observers;
  for (int t = 0; t < 3; ++t) {
    observers.emplace_back([&h, t] {
      for (int i = 0; i < 100000; ++i) h.Observe((i % 200) * 1e-4 * (t + 1));
    });
  }
  std::thread writer([&] {
    while (!done.load()) {
      std::string out;
      h.Write(out, "x", "h");
      BOOST_TEST(SampleValue(out, "x_bucket{le=\"+Inf\"}") ==
                 SampleValue(out, "x_count"));
    }
  });
  for (auto& t : observers) t.join();
  done = true;
  writer.join();
  BOOST_TEST(h.count() == 300000u);
}

BOOST_AUTO_TEST_CASE(label_values_and_help_are_escaped) {
  std::string out;
  PrometheusWriter w(out);
  w.Family("imeisync_peer_up", "gauge", "Peer \"up\"\\down\nsecond line.");
  w.Sample("imeisync_peer_up", {{"peer", "a\\b\"c\nd"}, {"tls", "yes"}}, 1.0);
  BOOST_TEST(out ==
             "# HELP imeisync_peer_up Peer \"up\"\\\\down\\nsecond line.\n"
             "# TYPE imeisync_peer_up gauge\n"
             "imeisync_peer_up{peer=\"a\\\\b\\\"c\\nd\",tls=\"yes\"} 1\n");
}

BOOST_AUTO_TEST_CASE(doubles_are_formatted_as_go_formats_them) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0"},
      {-2.5, "-2.5"},
      {1e-5, "1e-05"},
      {0.0001, "0.0001"},
      {123456.0, "123456"},
      {999999.5, "999999.5"},
      {1e6, "1e+06"},
      {1.5e300, "1.5e+300"},
      {-1e-300, "-1e-300"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"}};
  for (const auto& [value, text] : cases) {
    BOOST_TEST_CONTEXT(text) {
      std::string out;
      PrometheusWriter(out).Sample("x", {}, value);
      BOOST_TEST(out == "x " + std::string(text) + "\n");
    }
  }
}

BOOST_AUTO_TEST_CASE(counters_gauges_and_labelled_histograms) {
  std::string out;
  PrometheusWriter w(out);
  w.Counter("imeisync_requests_total", "Requests.",
            uint64_t{18446744073709551615u});
  w.Gauge("imeisync_ratio", "Ratio.", 0.25);
  w.Family("imeisync_big", "gauge", "Big.");
  w.Sample("imeisync_big", {}, 1e6);
  w.Sample("imeisync_big", {{"k", "v"}}, 123456.0);
  w.Sample("imeisync_big", {{"k", "inf"}},
           std::numeric_limits<double>::infinity());
  w.Sample("imeisync_big", {{"k", "nan"}}, std::nan(""));
  LatencyHistogram h;
  h.Observe(0.002);
  w.Family("imeisync_lat_seconds", "histogram", "Latency.");
  const Label labels[] = {{"route", "eir"}};
  h.WriteSamples(w, "imeisync_lat_seconds", labels);
  BOOST_TEST(out.find("imeisync_requests_total 18446744073709551615\n") !=
             std::string::npos);
  BOOST_TEST(out.find("imeisync_ratio 0.25\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_big 1e+06\n") != std::string::npos, out);
  BOOST_TEST(out.find("imeisync_big{k=\"v\"} 123456\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_big{k=\"inf\"} +Inf\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_big{k=\"nan\"} NaN\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_lat_seconds_bucket{route=\"eir\",le=\"0.0025\"}"
                      " 1\n") != std::string::npos,
             out);
  BOOST_TEST(out.find("imeisync_lat_seconds_count{route=\"eir\"} 1\n") !=
             std::string::npos);
  BOOST_TEST(out.find("imeisync_lat_seconds_sum{route=\"eir\"} 0.002\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::http
