// HttpServer's HTTP/1.1 side over loopback: keep-alive, pipelining,
// limits, garbage, timeouts, shutdown and listen addresses.
#include <boost/test/unit_test.hpp>
#include <random>

#include "tests/node/http/api_fixture.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::http {
namespace {

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

}  // namespace
}  // namespace imeisync::node::http
