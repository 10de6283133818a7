#include "node/http/connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

#include "node/http/asio_names.h"
#include "node/http/h2_session.h"
#include "node/http/http_session.h"

namespace imeisync::node::http {
namespace {

// RFC 9113 section 3.4: the client connection preface begins with this line,
// which no HTTP/1.1 request can.
constexpr std::string_view kPrefaceLine = "PRI * HTTP/2.0\r\n";
// What the first read may take; an HTTP/1.1 request usually fits, and the
// HTTP/1.1 parser starts from these bytes.
constexpr size_t kFirstReadBytes = 4096;

class Sniffer : public std::enable_shared_from_this<Sniffer> {
 public:
  Sniffer(tcp::socket socket, ConnectionSlot slot)
      : stream_(std::move(socket)), slot_(std::move(slot)) {}

  void Start() {
    deadline_ =
        std::chrono::steady_clock::now() + slot_.shared()->options.idle_timeout;
    stream_.expires_at(deadline_);
    net::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&Sniffer::ReadSome, shared_from_this()));
  }

 private:
  void ReadSome() {
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        beast::bind_front_handler(&Sniffer::OnRead, shared_from_this()));
  }

  void OnRead(error_code ec, size_t n) {
    buffer_.commit(n);
    const auto* data = static_cast<const char*>(buffer_.cdata().data());
    const std::string_view got(data, buffer_.size());
    const std::string_view head = got.substr(0, kPrefaceLine.size());
    if (!ec && head == kPrefaceLine) {
      StartH2Session(std::move(stream_), std::move(buffer_), std::move(slot_));
    } else if (!ec && kPrefaceLine.starts_with(head)) {
      ReadSome();  // so far it could still be the preface
    } else {
      // HTTP/1.1, or a peer that closed or stalled: the HTTP/1.1 session
      // meets the same error on its own read and answers it as it always has.
      StartHttp1Session(std::move(stream_), std::move(buffer_),
                        std::move(slot_), deadline_);
    }
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ConnectionSlot slot_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

void StartConnection(tcp::socket socket, ConnectionSlot slot) {
  std::make_shared<Sniffer>(std::move(socket), std::move(slot))->Start();
}

}  // namespace imeisync::node::http
