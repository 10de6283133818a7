// Tells a new connection's protocol from its first bytes and hands it to the
// HTTP/1.1 or the HTTP/2 session.
//
// HTTP/2 is spoken with prior knowledge only (RFC 9113 section 3.3, "h2c"):
// a connection whose first 16 bytes are "PRI * HTTP/2.0\r\n", the start of
// the client connection preface, is HTTP/2, and nghttp2 checks the rest of
// the preface (a broken one gets GOAWAY PROTOCOL_ERROR). Every other
// connection is HTTP/1.1, served exactly as before HTTP/2 existed: no
// HTTP/1.1 request can begin with that line. There is no "Upgrade: h2c".
#ifndef IMEISYNC_NODE_HTTP_CONNECTION_H_
#define IMEISYNC_NODE_HTTP_CONNECTION_H_

#include <boost/asio/ip/tcp.hpp>

#include "node/http/session_shared.h"

namespace imeisync::node::http {

// Reads from `socket` until its protocol is known (at most 16 bytes, within
// the idle timeout), then serves it. Owns itself and `slot`; there is
// nothing to join. Every step runs on the socket's executor, which must be
// a strand. A peer that closes or stalls before its protocol is known gets
// what HTTP/1.1 gives it.
void StartConnection(boost::asio::ip::tcp::socket socket, ConnectionSlot slot);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_CONNECTION_H_
