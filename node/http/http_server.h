// A small HTTP server (Boost.Beast over Asio) that hands every request to
// one synchronous handler. It speaks HTTP/1.1 and, on the same port, HTTP/2
// over cleartext with prior knowledge (h2c; nghttp2): a connection that
// opens with the HTTP/2 client preface is HTTP/2, any other is HTTP/1.1
// (connection.h). Both hand requests to the handler the same way
// (answer.h); HTTP/2's own limits and errors are in h2_connection.h.
//
// Caveats that bite:
//   * The handler runs on an io thread and blocks that thread while it runs:
//     keep it short, and never call Stop() from inside it (Stop() joins the
//     io threads and would wait for itself).
//   * The handler is called concurrently from up to `threads` threads.
//   * Request bodies are read (up to the limit) and discarded; the handler
//     sees only the method and the target (HTTP/2: :method and :path).
//
// Per HTTP/1.1 connection: keep-alive and pipelining; a header over
// max_header_bytes answers 431 and a body over max_body_bytes answers 413;
// any other malformed request answers 400; after each of those the
// connection is closed. A connection idle (or stalled mid-request, or not
// reading our answer) for idle_timeout is closed without an answer. Beyond
// max_connections open connections, new ones are accepted and closed at
// once. A handler that throws yields a 500 problem (cause SYSTEM_FAILURE)
// and a warning naming the method, the path and the exception's what(),
// never the query string (queries carry IMEIs); runs of 5 or more digits in
// what is logged are masked as well.
#ifndef IMEISYNC_NODE_HTTP_HTTP_SERVER_H_
#define IMEISYNC_NODE_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace imeisync::node::http {

struct HttpRequest {
  std::string method;  // as received, e.g. "GET"
  std::string target;  // path?query as received, not percent-decoded
};

struct HttpResponse {
  int status = 200;          // 200..999; anything else is sent as a 500
  std::string content_type;  // sent as Content-Type unless empty
  std::string body;          // Content-Length is set from it
  // Extra header fields, e.g. {"Allow", "GET"}. A field whose name or value
  // holds CR or LF is dropped.
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  size_t max_header_bytes = 8 * 1024;  // request line + header fields
  size_t max_body_bytes = 64 * 1024;
  // Longest wait for the next request on a connection, for the rest of a
  // request once begun, and for the peer to take our answer.
  std::chrono::milliseconds idle_timeout{30'000};
  int max_connections = 1024;  // open at once, either protocol; >= 1
  // HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: requests in flight on one
  // connection; >= 1.
  uint32_t max_concurrent_streams = 100;
};

class HttpServer {
 public:
  // Binds `listen` and starts serving with `threads` io threads.
  // `listen` is "host:port" where host is an IPv4 address, "[IPv6 address]"
  // or a name the resolver knows (e.g. "localhost"; the first address is
  // used); port 0 picks an ephemeral port (see port()). SO_REUSEADDR is set.
  // Returns InvalidArgument for a malformed address, an empty handler,
  // threads < 1 or bad options; Unavailable naming the address if it cannot
  // be bound or its host name does not resolve.
  static Result<std::unique_ptr<HttpServer>> Start(
      const std::string& listen, HttpHandler handler, int threads,
      HttpServerOptions options = {});

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Calls Stop().
  ~HttpServer();

  // The bound port; stays valid after Stop().
  uint16_t port() const;

  // Stops accepting, closes every connection (requests in flight get no
  // answer once their handler returns), and joins the io threads.
  // Idempotent and thread-safe.
  // REQUIRES: not called from inside the handler.
  void Stop();

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_HTTP_SERVER_H_
