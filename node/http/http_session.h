// One accepted HTTP/1.1 connection of HttpServer: read a request, hand it to
// the handler, answer, repeat (keep-alive and pipelining), with the limits,
// timeouts and error answers http_server.h documents per connection.
#ifndef IMEISYNC_NODE_HTTP_HTTP_SESSION_H_
#define IMEISYNC_NODE_HTTP_HTTP_SESSION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>

#include "node/http/http_server.h"

namespace imeisync::node::http {

// What every session of one server reads. Owned by the server; it must
// outlive every session, which holds when the io_context running them is
// destroyed first.
struct SessionShared {
  HttpHandler handler;        // non-empty
  HttpServerOptions options;  // already validated by HttpServer::Start
  // Sessions open now: the acceptor adds one before StartSession, and each
  // session subtracts one when it is destroyed.
  std::atomic<int> connections{0};
};

// Serves `socket` until the peer closes it, a limit or timeout closes it, or
// the io_context is stopped and destroyed. The session owns itself (through
// its pending handlers); there is nothing to join. Every step runs on the
// socket's executor, which must be a strand.
// REQUIRES: the caller counted this connection in shared->connections.
void StartSession(boost::asio::ip::tcp::socket socket, SessionShared* shared);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_HTTP_SESSION_H_
