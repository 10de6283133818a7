// The server side of one HTTP/2 connection (RFC 9113) without I/O, over
// nghttp2: bytes the peer sent go in through Receive(), bytes to send come
// out of Send(). Each complete request is answered by the server's handler
// (through Answer(), the step HTTP/1.1 takes too) before Receive() returns.
//
// Threads: not thread-safe; one thread (or strand) at a time.
//
// Per connection, as our SETTINGS announce: at most
// options.max_concurrent_streams streams open at once (nghttp2 refuses more
// with RST_STREAM REFUSED_STREAM), header lists up to
// options.max_header_bytes (RFC 9113 size: name + value + 32 per field).
// Per stream: a header list over the limit answers 431 and a body over
// options.max_body_bytes answers 413 (both problems without a cause, as on
// HTTP/1.1); the stream is then reset with NO_ERROR if the peer is still
// sending, and the connection lives on. Request headers other than the
// pseudo-headers (3gpp-Sbi-*, user-agent, ...) are accepted and ignored.
// Anything that breaks the protocol (a broken preface, a malformed frame, a
// frame on the wrong stream, a flood) gets GOAWAY PROTOCOL_ERROR (or the
// more precise code nghttp2 picks), after which the connection only drains.
#ifndef IMEISYNC_NODE_HTTP_H2_CONNECTION_H_
#define IMEISYNC_NODE_HTTP_H2_CONNECTION_H_

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "node/http/session_shared.h"

namespace imeisync::node::http {

template <auto Fn>
struct NgFree {
  template <class T>
  void operator()(T* p) const {
    Fn(p);
  }
};
using NgSessionPtr =
    std::unique_ptr<nghttp2_session, NgFree<nghttp2_session_del>>;

class H2Connection {
 public:
  // A connection that has queued its SETTINGS. `shared` must outlive it.
  // Returns Internal if nghttp2 cannot set up a session (out of memory).
  static Result<std::unique_ptr<H2Connection>> Create(
      const SessionShared* shared);

  H2Connection(const H2Connection&) = delete;
  H2Connection& operator=(const H2Connection&) = delete;
  ~H2Connection();

  // Feeds `bytes` from the peer, beginning with the client connection
  // preface. Returns InvalidArgument naming the protocol error if the input
  // broke the connection (GOAWAY is then queued; later input is ignored);
  // OK otherwise, including after a stream error.
  Status Receive(std::span<const uint8_t> bytes);

  // Appends bytes ready to send to `out` until there are none or `out` holds
  // at least `max` bytes. Returns Internal if nghttp2 fails (out of memory or
  // a callback failure); the connection must then be closed.
  Status Send(std::string& out, size_t max);

  // How many responses have been submitted so far (requests answered,
  // including 413 and 431).
  uint64_t answered() const { return answered_; }

  // False once nothing is left to read or to send (after GOAWAY either
  // way): the caller may close the connection.
  bool Alive() const;

 private:
  // What we know of one request stream, from its HEADERS until it closes.
  struct Stream {
    HttpRequest request;      // :method and :path
    size_t header_bytes = 0;  // RFC 9113 header list size so far
    size_t body_bytes = 0;    // request body seen (and discarded)
    bool headers_too_large = false;
    bool answered = false;      // a response was submitted
    std::string response_body;  // read out by ReadBody
    size_t response_sent = 0;   // bytes of response_body handed to nghttp2
  };

  explicit H2Connection(const SessionShared* shared);

  // nghttp2 callbacks, `user_data` being the H2Connection.
  static int OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame,
                            void* user_data);
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame,
                      const uint8_t* name, size_t namelen, const uint8_t* value,
                      size_t valuelen, uint8_t flags, void* user_data);
  static int OnDataChunk(nghttp2_session*, uint8_t flags, int32_t stream_id,
                         const uint8_t* data, size_t len, void* user_data);
  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame,
                         void* user_data);
  static int OnFrameSend(nghttp2_session*, const nghttp2_frame* frame,
                         void* user_data);
  static int OnStreamClose(nghttp2_session*, int32_t stream_id,
                           uint32_t error_code, void* user_data);
  static ssize_t ReadBody(nghttp2_session*, int32_t stream_id, uint8_t* buf,
                          size_t length, uint32_t* data_flags,
                          nghttp2_data_source* source, void* user_data);

  Stream* Find(int32_t stream_id);
  // Submits `response` on the stream once; later calls do nothing.
  int Reply(int32_t stream_id, Stream& stream, HttpResponse response);
  int OnRequestComplete(int32_t stream_id, Stream& stream);

  const SessionShared* shared_;
  NgSessionPtr session_;
  std::unordered_map<int32_t, Stream> streams_;  // open request streams
  uint64_t answered_ = 0;
  bool broken_ = false;  // a protocol error was met; input is ignored
};

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_H2_CONNECTION_H_
