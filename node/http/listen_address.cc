#include "node/http/listen_address.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string_view>

#include "node/http/asio_names.h"

namespace imeisync::node::http {

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

}  // namespace imeisync::node::http
