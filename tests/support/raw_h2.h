// A byte-level TCP client and an HTTP/2 frame reader for tests that send
// what no real client would (broken prefaces, frames on the wrong stream,
// random bytes) and look at what the server sends back.
#ifndef IMEISYNC_TESTS_SUPPORT_RAW_H2_H_
#define IMEISYNC_TESTS_SUPPORT_RAW_H2_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imeisync::testing {

// RFC 9113 section 3.4.
inline constexpr std::string_view kH2Preface =
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct H2Frame {
  uint8_t type = 0;  // 0x4 SETTINGS, 0x7 GOAWAY, ...
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  std::string payload;
};

// The 9-byte frame header and `payload`, as RFC 9113 section 4.1 lays out.
std::string EncodeFrame(uint8_t type, uint8_t flags, uint32_t stream_id,
                        std::string_view payload);

// The whole frames at the start of `bytes`; a truncated last one is left
// out.
std::vector<H2Frame> ParseFrames(std::string_view bytes);

// The error code of the first GOAWAY among `frames`, or -1 if none.
int64_t GoawayCode(const std::vector<H2Frame>& frames);

// One TCP connection to 127.0.0.1. Every call gives up after its limit, so
// a server that hangs fails a test instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);

  // Sends `bytes`; false if the server had already closed or reset.
  bool Write(std::string_view bytes);

  // Reads until the server closes (EOF or reset) or `limit` passes; returns
  // what came, and sets `closed` to whether the server closed.
  std::string ReadUntilClosed(std::chrono::milliseconds limit, bool& closed);

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_SUPPORT_RAW_H2_H_
