// The listen address of the HTTP server: "host:port" or "[IPv6 address]:port"
// (the grammar HttpServer::Start documents), turned into one endpoint.
#ifndef IMEISYNC_NODE_HTTP_LISTEN_ADDRESS_H_
#define IMEISYNC_NODE_HTTP_LISTEN_ADDRESS_H_

#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "base/status.h"

namespace imeisync::node::http {

// Parses `listen`:
//   listen = host ":" port | "[" ipv6-address "]" ":" port
//   port   = 1*5DIGIT, at most 65535 (0 asks for an ephemeral port)
// A host that is not an IP address is resolved (blocking) and its first
// address is used.
// Returns InvalidArgument quoting `listen` and saying what is wrong (no
// port, an unbracketed IPv6 address, an empty host, a bad port, a bracketed
// non-IPv6 host); Unavailable "cannot listen on <listen>: cannot resolve
// ..." if the host name does not resolve.
Result<boost::asio::ip::tcp::endpoint> ParseListen(const std::string& listen);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_LISTEN_ADDRESS_H_
