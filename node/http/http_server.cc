#include "node/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "node/http/asio_names.h"
#include "node/http/connection.h"
#include "node/http/listen_address.h"

namespace imeisync::node::http {

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
      StartConnection(std::move(socket), ConnectionSlot(&shared_));
    }
    Accept();
  }

  SessionShared shared_;  // declared first: outlives the io_context below
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
      options.max_connections < 1 || options.max_concurrent_streams < 1 ||
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
