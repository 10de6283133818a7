// What the HttpServer tests share: a blocking Beast client, fake node
// hooks behind MakeHttpApi, a server on an ephemeral loopback port, a
// ProblemDetails check and a log capture.
#ifndef IMEISYNC_TESTS_NODE_HTTP_API_FIXTURE_H_
#define IMEISYNC_TESTS_NODE_HTTP_API_FIXTURE_H_

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

using namespace std::chrono_literals;

inline constexpr std::string_view kEquipmentStatus =
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
inline std::string ExpectProblem(const Reply& r, int status,
                                 std::string_view cause) {
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

}  // namespace imeisync::node::http

#endif  // IMEISYNC_TESTS_NODE_HTTP_API_FIXTURE_H_
