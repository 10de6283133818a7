#include "tests/support/raw_h2.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <functional>

namespace imeisync::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

std::string EncodeFrame(uint8_t type, uint8_t flags, uint32_t stream_id,
                        std::string_view payload) {
  const size_t n = payload.size();
  std::string out = {static_cast<char>(n >> 16),
                     static_cast<char>(n >> 8),
                     static_cast<char>(n),
                     static_cast<char>(type),
                     static_cast<char>(flags),
                     static_cast<char>(stream_id >> 24),
                     static_cast<char>(stream_id >> 16),
                     static_cast<char>(stream_id >> 8),
                     static_cast<char>(stream_id)};
  out.append(payload);
  return out;
}

std::vector<H2Frame> ParseFrames(std::string_view bytes) {
  auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i]));
  };
  std::vector<H2Frame> frames;
  while (bytes.size() >= 9) {
    const size_t length = (byte(0) << 16) | (byte(1) << 8) | byte(2);
    if (bytes.size() < 9 + length) break;
    H2Frame f;
    f.type = static_cast<uint8_t>(byte(3));
    f.flags = static_cast<uint8_t>(byte(4));
    f.stream_id =
        ((byte(5) << 24) | (byte(6) << 16) | (byte(7) << 8) | byte(8)) &
        0x7fffffffu;
    f.payload = std::string(bytes.substr(9, length));
    frames.push_back(std::move(f));
    bytes.remove_prefix(9 + length);
  }
  return frames;
}

int64_t GoawayCode(const std::vector<H2Frame>& frames) {
  for (const H2Frame& f : frames) {
    if (f.type != 0x7 || f.payload.size() < 8) continue;
    uint32_t code = 0;
    for (size_t i = 4; i < 8; ++i) {
      code = (code << 8) | static_cast<uint8_t>(f.payload[i]);
    }
    return code;
  }
  return -1;
}

RawConnection::RawConnection(uint16_t port) : socket_(ioc_) {
  socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

bool RawConnection::Write(std::string_view bytes) {
  error_code ec = net::error::timed_out;
  net::async_write(socket_, net::buffer(bytes.data(), bytes.size()),
                   [&](error_code e, size_t) { ec = e; });
  ioc_.restart();
  ioc_.run_for(std::chrono::seconds(5));
  if (!ioc_.stopped()) {
    socket_.cancel();
    ioc_.run();
    return false;
  }
  return !ec;
}

std::string RawConnection::ReadUntilClosed(std::chrono::milliseconds limit,
                                           bool& closed) {
  std::string got;
  std::array<char, 4096> chunk;
  closed = false;
  std::function<void()> read_some = [&] {
    socket_.async_read_some(net::buffer(chunk), [&](error_code ec, size_t n) {
      got.append(chunk.data(), n);
      if (ec) {
        closed = ec != net::error::operation_aborted;
        return;
      }
      read_some();
    });
  };
  read_some();
  ioc_.restart();
  ioc_.run_for(limit);
  if (!ioc_.stopped()) {
    socket_.cancel();
    ioc_.run();
  }
  return got;
}

}  // namespace imeisync::testing
