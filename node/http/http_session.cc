#include "node/http/http_session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "node/http/answer.h"
#include "node/http/asio_names.h"
#include "node/http/problem.h"

namespace imeisync::node::http {
namespace {

// After an answer that closes the connection we stop sending but keep reading
// (and discarding) for a moment: closing with unread bytes queued makes the
// kernel send RST, which can destroy our answer before the peer reads it.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 256 * 1024;
constexpr size_t kLingerChunk = 4096;

bool HasLineBreak(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// The answer to a request over one of our size limits. TS 29.500 defines no
// cause for 413 and 431, so none is given.
HttpResponse TooLarge(int status, std::string_view title,
                      std::string_view what_exceeds, size_t limit) {
  return Problem(
      status, title,
      std::string(what_exceeds) + " " + std::to_string(limit) + " bytes", "");
}

// One connection: read a request, answer it, repeat. Every step runs on the
// connection's strand, so members need no lock.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(beast::tcp_stream stream, beast::flat_buffer buffer,
          ConnectionSlot slot,
          std::chrono::steady_clock::time_point first_deadline)
      : stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        slot_(std::move(slot)),
        shared_(slot_.shared()),
        first_deadline_(first_deadline) {}

  void Start() {
    net::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    const HttpServerOptions& o = shared_->options;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
    parser_->body_limit(o.max_body_bytes);
    if (first_deadline_.has_value()) {
      // The first request began while the connection's protocol was being
      // told apart; its time runs from then.
      stream_.expires_at(*first_deadline_);
      first_deadline_.reset();
    } else {
      stream_.expires_after(o.idle_timeout);
    }
    bhttp::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(error_code ec, size_t /*bytes*/) {
    if (ec) {
      OnReadError(ec);
      return;
    }
    const auto& req = parser_->get();
    request_.method.assign(req.method_string().data(),
                           req.method_string().size());
    request_.target.assign(req.target().data(), req.target().size());
    Send(Answer(shared_->handler, request_), req.version(), !req.keep_alive());
  }

  void OnReadError(error_code ec) {
    static const boost::system::error_category& kParseErrors =
        bhttp::make_error_code(bhttp::error::bad_method).category();
    if (ec == bhttp::error::end_of_stream) {
      // The peer closed between requests.
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else if (ec == bhttp::error::partial_message) {
      // The peer closed mid-request: nobody to answer.
    } else if (ec == bhttp::error::header_limit) {
      SendAndClose(TooLarge(431, "Request Header Fields Too Large",
                            "the request line and header fields exceed",
                            shared_->options.max_header_bytes));
    } else if (ec == bhttp::error::body_limit) {
      SendAndClose(TooLarge(413, "Payload Too Large",
                            "the request body exceeds",
                            shared_->options.max_body_bytes));
    } else if (ec.category() == kParseErrors) {
      SendAndClose(Problem(400, "Bad Request", "malformed HTTP/1.1 request",
                           "INVALID_MSG_FORMAT"));
    }
    // Timeouts and socket errors: the stream is closed when we return.
  }

  // An answer to a request we could not read: HTTP/1.1, then close, since
  // where the next request would begin is unknown.
  void SendAndClose(HttpResponse r) { Send(std::move(r), 11, true); }

  // REQUIRES: 200 <= r.status <= 999 (Answer and Problem see to it).
  void Send(HttpResponse r, unsigned version, bool close) {
    res_ = {};
    res_.version(version);
    res_.result(static_cast<unsigned>(r.status));
    if (!r.content_type.empty() && !HasLineBreak(r.content_type)) {
      res_.set(bhttp::field::content_type, r.content_type);
    }
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) continue;
      res_.set(name, value);
    }
    // No body is allowed with these, and Beast throws if one is given.
    if (r.status != 204 && r.status != 304) res_.body() = std::move(r.body);
    res_.keep_alive(!close);
    res_.prepare_payload();
    stream_.expires_after(shared_->options.idle_timeout);
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&Session::OnWrite,
                                                 shared_from_this(), close));
  }

  void OnWrite(bool close, error_code ec, size_t /*bytes*/) {
    if (ec) return;
    if (close) {
      Linger();
    } else {
      Read();
    }
  }

  void Linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(
        kLingerTime, shared_->options.idle_timeout));
    lingered_ = 0;
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(
        buffer_.prepare(kLingerChunk),
        [self = shared_from_this()](error_code ec, size_t n) {
          if (ec) return;
          self->lingered_ += n;
          if (self->lingered_ < kLingerBytes) self->DrainSome();
        });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ConnectionSlot slot_;
  SessionShared* shared_;  // slot_'s
  std::optional<std::chrono::steady_clock::time_point> first_deadline_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  HttpRequest request_;  // reused so its strings keep their capacity
  bhttp::response<bhttp::string_body> res_;
  size_t lingered_ = 0;
};

}  // namespace

void StartHttp1Session(beast::tcp_stream stream, beast::flat_buffer buffer,
                       ConnectionSlot slot,
                       std::chrono::steady_clock::time_point first_deadline) {
  std::make_shared<Session>(std::move(stream), std::move(buffer),
                            std::move(slot), first_deadline)
      ->Start();
}
}  // namespace imeisync::node::http
