#include "node/http/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "node/http/problem.h"

namespace imeisync::node::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

// After an answer that closes the connection we stop sending but keep reading
// (and discarding) for a moment: closing with unread bytes queued makes the
// kernel send RST, which can destroy our answer before the peer reads it.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 256 * 1024;
constexpr size_t kLingerChunk = 4096;

// A loggable rendering of peer-supplied text: runs of 5 or more digits (the
// shortest IMSI) become "#", bytes outside printable ASCII become '?', and
// the result is cut at 200 characters. IMEIs and IMSIs never reach the log.
std::string Redact(std::string_view s) {
  std::string out;
  out.reserve(std::min<size_t>(s.size(), 200));
  for (size_t i = 0; i < s.size() && out.size() < 200;) {
    size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j - i >= 5) {
      out += '#';
      i = j;
    } else if (j > i) {
      out.append(s.substr(i, j - i));
      i = j;
    } else {
      const char c = s[i++];
      out += (c >= 0x20 && c < 0x7F) ? c : '?';
    }
  }
  return out;
}

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

bool HasLineBreak(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// State every session reads; owned by the server and outlives all sessions
// (the io_context, and with it every session, is destroyed in Stop()).
struct Shared {
  HttpHandler handler;
  HttpServerOptions options;
  std::atomic<int> connections{0};
};

HttpResponse Invoke(const Shared& shared, const HttpRequest& request) {
  try {
    return shared.handler(request);
  } catch (const std::exception& e) {
    spdlog::warn("http handler threw on {} {}: {}", Redact(request.method),
                 Redact(PathOf(request.target)), Redact(e.what()));
  } catch (...) {
    spdlog::warn("http handler threw on {} {}: a non-std exception",
                 Redact(request.method), Redact(PathOf(request.target)));
  }
  return Problem(500, "Internal Server Error",
                 "the request handler failed; see the node's log",
                 "SYSTEM_FAILURE");
}

// One connection: read a request, answer it, repeat. Every step runs on the
// connection's strand, so members need no lock.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: the caller counted this connection in shared->connections.
  Session(tcp::socket socket, Shared* shared)
      : stream_(std::move(socket)), shared_(shared) {}
  ~Session() { shared_->connections.fetch_sub(1, std::memory_order_relaxed); }

  void Start() {
    net::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    const HttpServerOptions& o = shared_->options;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
    parser_->body_limit(o.max_body_bytes);
    stream_.expires_after(o.idle_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(error_code ec, size_t /*bytes*/) {
    if (ec) {
      OnReadError(ec);
      return;
    }
    const auto& req = parser_->get();
    request_.method.assign(req.method_string().data(),
                           req.method_string().size());
    request_.target.assign(req.target().data(), req.target().size());
    Send(Invoke(*shared_, request_), req.version(), !req.keep_alive());
  }

  void OnReadError(error_code ec) {
    static const boost::system::error_category& kParseErrors =
        bhttp::make_error_code(bhttp::error::bad_method).category();
    if (ec == bhttp::error::end_of_stream) {
      // The peer closed between requests.
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else if (ec == bhttp::error::partial_message) {
      // The peer closed mid-request: nobody to answer.
    } else if (ec == bhttp::error::header_limit) {
      Send(Problem(431, "Request Header Fields Too Large",
                   "the request line and header fields exceed " +
                       std::to_string(shared_->options.max_header_bytes) +
                       " bytes",
                   ""),
           11, true);
    } else if (ec == bhttp::error::body_limit) {
      Send(Problem(413, "Payload Too Large",
                   "the request body exceeds " +
                       std::to_string(shared_->options.max_body_bytes) +
                       " bytes",
                   ""),
           11, true);
    } else if (ec.category() == kParseErrors) {
      Send(Problem(400, "Bad Request", "malformed HTTP/1.1 request",
                   "INVALID_MSG_FORMAT"),
           11, true);
    }
    // Timeouts and socket errors: the stream is closed when we return.
  }

  void Send(HttpResponse r, unsigned version, bool close) {
    if (r.status < 200 || r.status > 999) {
      spdlog::warn("http handler returned status {}; answering 500", r.status);
      r = Problem(500, "Internal Server Error",
                  "the request handler returned an invalid status",
                  "SYSTEM_FAILURE");
    }
    res_ = {};
    res_.version(version);
    res_.result(static_cast<unsigned>(r.status));
    if (!r.content_type.empty() && !HasLineBreak(r.content_type)) {
      res_.set(bhttp::field::content_type, r.content_type);
    }
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) continue;
      res_.set(name, value);
    }
    // No body is allowed with these, and Beast throws if one is given.
    if (r.status != 204 && r.status != 304) res_.body() = std::move(r.body);
    res_.keep_alive(!close);
    res_.prepare_payload();
    stream_.expires_after(shared_->options.idle_timeout);
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&Session::OnWrite,
                                                 shared_from_this(), close));
  }

  void OnWrite(bool close, error_code ec, size_t /*bytes*/) {
    if (ec) return;
    if (close) {
      Linger();
    } else {
      Read();
    }
  }

  void Linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(
        kLingerTime, shared_->options.idle_timeout));
    lingered_ = 0;
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(
        buffer_.prepare(kLingerChunk),
        [self = shared_from_this()](error_code ec, size_t n) {
          if (ec) return;
          self->lingered_ += n;
          if (self->lingered_ < kLingerBytes) self->DrainSome();
        });
  }

  beast::tcp_stream stream_;
  Shared* shared_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  HttpRequest request_;  // reused so its strings keep their capacity
  bhttp::response<bhttp::string_body> res_;
  size_t lingered_ = 0;
};

// Parses "host:port" / "[v6]:port" into an endpoint; names are resolved.
Result<tcp::endpoint> ParseListen(const std::string& listen) {
  std::string_view s = listen;
  std::string_view host;
  std::string_view port;
  bool bracketed = false;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() ||
        s[close + 1] != ':') {
      return InvalidArgument("listen address \"" + listen +
                             "\": expected \"[IPv6 address]:port\"");
    }
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
    bracketed = true;
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument("listen address \"" + listen +
                             "\": expected \"host:port\"");
    }
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return InvalidArgument("listen address \"" + listen +
                             "\": put an IPv6 address in brackets, as in "
                             "\"[::1]:8080\"");
    }
  }
  if (host.empty()) {
    return InvalidArgument("listen address \"" + listen + "\": empty host");
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument("listen address \"" + listen +
                           "\": the port must be a number from 0 to 65535");
  }
  const unsigned long port_number = std::stoul(std::string(port));
  if (port_number > 65535) {
    return InvalidArgument("listen address \"" + listen +
                           "\": the port must be a number from 0 to 65535");
  }
  const auto port16 = static_cast<uint16_t>(port_number);

  error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (!ec) {
    if (bracketed && !address.is_v6()) {
      return InvalidArgument("listen address \"" + listen +
                             "\": only IPv6 addresses go in brackets");
    }
    return tcp::endpoint(address, port16);
  }
  if (bracketed) {
    return InvalidArgument("listen address \"" + listen +
                           "\": not an IPv6 address");
  }
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) {
    return Unavailable("cannot listen on " + listen + ": cannot resolve \"" +
                       std::string(host) + "\": " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, const HttpServerOptions& options, int threads)
      : ioc_(std::in_place, threads),
        acceptor_(std::in_place, net::make_strand(*ioc_)),
        backoff_(std::in_place, acceptor_->get_executor()) {
    shared_.handler = std::move(handler);
    shared_.options = options;
  }
  ~Impl() { Stop(); }

  Status Listen(const tcp::endpoint& endpoint, const std::string& listen) {
    error_code ec;
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return Unavailable("cannot listen on " + listen + ": " + ec.message());
    port_ = acceptor_->local_endpoint(ec).port();
    if (ec)
      return Unavailable("cannot listen on " + listen + ": " + ec.message());
    return Status::Ok();
  }

  void Run(int threads) {
    Accept();
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        for (;;) {
          try {
            ioc_->run();
            return;
          } catch (const std::exception& e) {
            // Only allocation failures get here; keep serving.
            spdlog::error("http io thread: {}", e.what());
          }
        }
      });
    }
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    ioc_->stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    backoff_.reset();
    acceptor_.reset();
    // Destroying the io_context destroys every pending handler, and with
    // them the sessions they own, which closes their sockets.
    ioc_.reset();
  }

  uint16_t port() const { return port_; }

 private:
  void Accept() {
    acceptor_->async_accept(net::make_strand(*ioc_),
                            beast::bind_front_handler(&Impl::OnAccept, this));
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      // E.g. EMFILE: the pending connection stays queued, so retrying at
      // once would spin.
      spdlog::warn("http accept failed: {}; retrying in 100 ms", ec.message());
      backoff_->expires_after(std::chrono::milliseconds(100));
      backoff_->async_wait([this](error_code e) {
        if (!e) Accept();
      });
      return;
    }
    if (shared_.connections.load(std::memory_order_relaxed) >=
        shared_.options.max_connections) {
      ++rejected_;
      if ((rejected_ & (rejected_ - 1)) == 0) {  // 1, 2, 4, 8, ...
        spdlog::warn(
            "http: {} open connections, the limit; closed a new one ({} so "
            "far)",
            shared_.options.max_connections, rejected_);
      }
      error_code ignored;
      socket.close(ignored);
    } else {
      shared_.connections.fetch_add(1, std::memory_order_relaxed);
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), &shared_)->Start();
    }
    Accept();
  }

  Shared shared_;  // declared first: outlives the io_context below
  std::optional<net::io_context> ioc_;
  std::optional<tcp::acceptor> acceptor_;  // ops on the acceptor's strand
  std::optional<net::steady_timer> backoff_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  uint64_t rejected_ = 0;  // guarded by the acceptor's strand
  std::mutex stop_mu_;
  bool stopped_ = false;  // guarded by stop_mu_
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(
    const std::string& listen, HttpHandler handler, int threads,
    HttpServerOptions options) {
  if (!handler) return InvalidArgument("HttpServer: empty handler");
  if (threads < 1) {
    return InvalidArgument("HttpServer: threads must be at least 1, not " +
                           std::to_string(threads));
  }
  if (options.max_header_bytes < 1 ||
      options.max_header_bytes > std::numeric_limits<std::uint32_t>::max() ||
      options.max_connections < 1 ||
      options.idle_timeout <= std::chrono::milliseconds::zero()) {
    return InvalidArgument(
        "HttpServer: limits and the idle timeout must be positive");
  }
  IMEISYNC_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ParseListen(listen));
  auto impl = std::make_unique<Impl>(std::move(handler), options, threads);
  IMEISYNC_RETURN_IF_ERROR(impl->Listen(endpoint, listen));
  impl->Run(threads);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace imeisync::node::http
