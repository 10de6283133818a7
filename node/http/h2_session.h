// One accepted HTTP/2 connection of HttpServer: an H2Connection driven by
// Asio reads and writes on the connection's strand.
#ifndef IMEISYNC_NODE_HTTP_H2_SESSION_H_
#define IMEISYNC_NODE_HTTP_H2_SESSION_H_

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "node/http/session_shared.h"

namespace imeisync::node::http {

// Serves `stream` as HTTP/2 (see h2_connection.h for what a peer gets)
// until the peer closes it, a protocol error ends it (GOAWAY, then close),
// it stays idle, or the io_context is stopped and destroyed. `preface`
// holds the bytes already read, beginning with the client connection
// preface. The connection is closed without GOAWAY when no request has
// been answered for the idle timeout (other frames, PING among them, do
// not count), which also bounds how long the peer may take to read an
// answer.
// The session owns itself (through its pending handlers) and `slot`; there
// is nothing to join. Every step runs on the stream's executor, which must
// be a strand.
void StartH2Session(boost::beast::tcp_stream stream,
                    boost::beast::flat_buffer preface, ConnectionSlot slot);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_H2_SESSION_H_
