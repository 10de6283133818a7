#include "node/http/h2_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "node/http/asio_names.h"
#include "node/http/h2_connection.h"

namespace imeisync::node::http {
namespace {

// Bytes gathered from nghttp2 into one write.
constexpr size_t kWriteBatch = 64 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
// As on HTTP/1.1: after GOAWAY we stop sending but read (and discard) for a
// moment, so that closing with unread bytes does not make the kernel send
// RST, which could destroy the GOAWAY before the peer reads it.
constexpr std::chrono::milliseconds kLingerTime{2000};
constexpr size_t kLingerBytes = 256 * 1024;

class H2Session : public std::enable_shared_from_this<H2Session> {
 public:
  H2Session(beast::tcp_stream stream, beast::flat_buffer preface,
            ConnectionSlot slot)
      : stream_(std::move(stream)),
        preface_(std::move(preface)),
        slot_(std::move(slot)) {}

  void Start() {
    net::dispatch(
        stream_.get_executor(),
        beast::bind_front_handler(&H2Session::Begin, shared_from_this()));
  }

 private:
  const HttpServerOptions& options() const { return slot_.shared()->options; }

  void Begin() {
    Result<std::unique_ptr<H2Connection>> c =
        H2Connection::Create(slot_.shared());
    if (!c.ok()) {
      spdlog::warn("http/2: {}; closing a connection", c.status().ToString());
      return;  // the stream closes when we are destroyed
    }
    h2_ = std::move(*c);
    stream_.expires_after(options().idle_timeout);
    const auto* data = static_cast<const uint8_t*>(preface_.cdata().data());
    Feed(std::span<const uint8_t>(data, preface_.size()));
    preface_ = {};
    Flush();
    ReadSome();
  }

  void ReadSome() {
    stream_.async_read_some(
        net::buffer(in_),
        beast::bind_front_handler(&H2Session::OnRead, shared_from_this()));
  }

  void OnRead(error_code ec, size_t n) {
    if (ec) {
      // The peer closed, reset or timed out: whatever nghttp2 still has to
      // send has no reader.
      return;
    }
    if (closing_) {
      Drain(n);
      return;
    }
    // Only an answered request buys time, as on HTTP/1.1: PINGs, SETTINGS
    // or a HEADERS frame dribbled byte by byte do not, and neither does
    // the peer taking our bytes.
    const uint64_t answered = h2_->answered();
    Feed(std::span<const uint8_t>(in_.data(), n));
    if (h2_->answered() != answered) {
      stream_.expires_after(options().idle_timeout);
    }
    Flush();
    ReadSome();  // when closing, to drain
  }

  void Feed(std::span<const uint8_t> bytes) {
    const Status s = h2_->Receive(bytes);
    if (!s.ok()) spdlog::debug("http/2: {}; sending GOAWAY", s.message());
  }

  // Writes what nghttp2 has to send, one batch at a time; once nothing is
  // left to read or send, shuts the connection down.
  void Flush() {
    if (writing_ || closing_) return;
    out_.clear();
    const Status s = h2_->Send(out_, kWriteBatch);
    if (!s.ok()) {
      spdlog::warn("http/2: {}; closing a connection", s.ToString());
      error_code ignored;
      stream_.socket().close(ignored);
      closing_ = true;
      return;
    }
    if (out_.empty()) {
      if (!h2_->Alive()) Linger();
      return;
    }
    writing_ = true;
    net::async_write(
        stream_, net::buffer(out_),
        beast::bind_front_handler(&H2Session::OnWrite, shared_from_this()));
  }

  void OnWrite(error_code ec, size_t /*bytes*/) {
    writing_ = false;
    if (ec) return;
    Flush();
  }

  // The read kept pending drains what the peer still sends.
  void Linger() {
    closing_ = true;
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(
        kLingerTime, options().idle_timeout));
  }

  void Drain(size_t n) {
    lingered_ += n;
    if (lingered_ < kLingerBytes) ReadSome();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer preface_;
  ConnectionSlot slot_;
  std::unique_ptr<H2Connection> h2_;
  std::array<uint8_t, kReadChunk> in_;
  std::string out_;  // the batch being written
  bool writing_ = false;
  bool closing_ = false;  // GOAWAY sent (or a fatal error); only draining
  size_t lingered_ = 0;
};

}  // namespace

void StartH2Session(beast::tcp_stream stream, beast::flat_buffer preface,
                    ConnectionSlot slot) {
  std::make_shared<H2Session>(std::move(stream), std::move(preface),
                              std::move(slot))
      ->Start();
}

}  // namespace imeisync::node::http
