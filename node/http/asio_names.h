// The short names node/http (and its tests) use for Boost.Asio and
// Boost.Beast, declared once.
#ifndef IMEISYNC_NODE_HTTP_ASIO_NAMES_H_
#define IMEISYNC_NODE_HTTP_ASIO_NAMES_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/system/error_code.hpp>

namespace imeisync::node::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_ASIO_NAMES_H_
