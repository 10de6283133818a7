// One accepted HTTP/1.1 connection of HttpServer: read a request, hand it to
// the handler, answer, repeat (keep-alive and pipelining), with the limits,
// timeouts and error answers http_server.h documents per connection.
#ifndef IMEISYNC_NODE_HTTP_HTTP_SESSION_H_
#define IMEISYNC_NODE_HTTP_HTTP_SESSION_H_

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>

#include "node/http/session_shared.h"

namespace imeisync::node::http {

// Serves `stream` as HTTP/1.1 until the peer closes it, a limit or timeout
// closes it, or the io_context is stopped and destroyed. `buffer` holds the
// bytes already read from the stream (possibly none); they are parsed
// first. The first request must be complete by `first_deadline`; later ones
// get the idle timeout each. The session owns itself (through its pending
// handlers) and `slot`; there is nothing to join. Every step runs on the
// stream's executor, which must be a strand.
void StartHttp1Session(boost::beast::tcp_stream stream,
                       boost::beast::flat_buffer buffer, ConnectionSlot slot,
                       std::chrono::steady_clock::time_point first_deadline);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_HTTP_SESSION_H_
