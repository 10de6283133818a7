#include "node/http/h2_connection.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>
#include <vector>

#include "node/http/answer.h"
#include "node/http/problem.h"

namespace imeisync::node::http {
namespace {

using NgCallbacksPtr = std::unique_ptr<nghttp2_session_callbacks,
                                       NgFree<nghttp2_session_callbacks_del>>;

// RFC 9113 section 6.5.2: each field counts its name, its value and 32.
constexpr size_t kFieldOverhead = 32;

std::string_view View(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

bool HasLineBreak(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// RFC 9113 section 8.2.2: fields HTTP/2 forbids, and upper case, which it
// forbids in names; HttpResponse::headers are written for HTTP/1.1.
std::string H2Name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  for (std::string_view banned :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
        "upgrade"}) {
    if (lower == banned) return "";
  }
  return lower;
}

nghttp2_nv Field(const std::string& name, const std::string& value) {
  // nghttp2 copies both (no NO_COPY flag) before submit returns.
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())),
          name.size(), value.size(), NGHTTP2_NV_FLAG_NONE};
}

// Runs a callback body; an exception (allocation failure) must not unwind
// through nghttp2's C frames, so it fails the session instead.
template <class F>
int Guard(F&& f) {
  try {
    return f();
  } catch (const std::exception&) {
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  }
}

H2Connection& Self(void* user_data) {
  return *static_cast<H2Connection*>(user_data);
}

}  // namespace

H2Connection::H2Connection(const SessionShared* shared) : shared_(shared) {}

H2Connection::~H2Connection() = default;

Result<std::unique_ptr<H2Connection>> H2Connection::Create(
    const SessionShared* shared) {
  std::unique_ptr<H2Connection> c(new H2Connection(shared));
  nghttp2_session_callbacks* raw_callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&raw_callbacks) != 0) {
    return Internal("nghttp2: out of memory setting up a session");
  }
  NgCallbacksPtr callbacks(raw_callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks.get(),
                                                          &OnBeginHeaders);
  nghttp2_session_callbacks_set_on_header_callback(callbacks.get(), &OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks.get(),
                                                            &OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks.get(),
                                                       &OnFrameRecv);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks.get(),
                                                       &OnFrameSend);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks.get(),
                                                         &OnStreamClose);
  nghttp2_session* raw_session = nullptr;
  if (nghttp2_session_server_new(&raw_session, callbacks.get(), c.get()) != 0) {
    return Internal("nghttp2: out of memory setting up a session");
  }
  c->session_.reset(raw_session);
  // nghttp2 refuses streams beyond this limit as soon as it is queued, even
  // before the peer acknowledges it.
  const HttpServerOptions& o = shared->options;
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, o.max_concurrent_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<uint32_t>(o.max_header_bytes)},
  };
  if (nghttp2_submit_settings(c->session_.get(), NGHTTP2_FLAG_NONE, settings,
                              std::size(settings)) != 0) {
    return Internal("nghttp2: cannot queue SETTINGS");
  }
  return c;
}

Status H2Connection::Receive(std::span<const uint8_t> bytes) {
  if (broken_) return Status::Ok();
  const ssize_t rv =
      nghttp2_session_mem_recv(session_.get(), bytes.data(), bytes.size());
  if (rv >= 0) return Status::Ok();
  // nghttp2 queued GOAWAY itself for most errors; the ones it merely
  // returns (a broken preface, a callback failure) get it here.
  broken_ = true;
  const uint32_t code = rv == NGHTTP2_ERR_CALLBACK_FAILURE
                            ? NGHTTP2_INTERNAL_ERROR
                            : NGHTTP2_PROTOCOL_ERROR;
  nghttp2_session_terminate_session(session_.get(), code);
  return InvalidArgument(std::string("HTTP/2 protocol error: ") +
                         nghttp2_strerror(static_cast<int>(rv)));
}

Status H2Connection::Send(std::string& out, size_t max) {
  while (out.size() < max) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_.get(), &data);
    if (n < 0) {
      return Internal(std::string("nghttp2: ") +
                      nghttp2_strerror(static_cast<int>(n)));
    }
    if (n == 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  return Status::Ok();
}

bool H2Connection::Alive() const {
  return nghttp2_session_want_read(session_.get()) != 0 ||
         nghttp2_session_want_write(session_.get()) != 0;
}

H2Connection::Stream* H2Connection::Find(int32_t stream_id) {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? nullptr : &it->second;
}

int H2Connection::OnBeginHeaders(nghttp2_session*, const nghttp2_frame* frame,
                                 void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS ||
      frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
    return 0;
  }
  return Guard([&] {
    Self(user_data).streams_.try_emplace(frame->hd.stream_id);
    return 0;
  });
}

int H2Connection::OnHeader(nghttp2_session*, const nghttp2_frame* frame,
                           const uint8_t* name, size_t namelen,
                           const uint8_t* value, size_t valuelen,
                           uint8_t /*flags*/, void* user_data) {
  H2Connection& self = Self(user_data);
  Stream* s = self.Find(frame->hd.stream_id);
  if (s == nullptr) return 0;
  s->header_bytes += namelen + valuelen + kFieldOverhead;
  if (s->header_bytes > self.shared_->options.max_header_bytes) {
    s->headers_too_large = true;
  }
  if (s->headers_too_large) return 0;
  return Guard([&] {
    const std::string_view n = View(name, namelen);
    if (n == ":method") s->request.method = View(value, valuelen);
    if (n == ":path") s->request.target = View(value, valuelen);
    return 0;
  });
}

int H2Connection::OnDataChunk(nghttp2_session*, uint8_t /*flags*/,
                              int32_t stream_id, const uint8_t* /*data*/,
                              size_t len, void* user_data) {
  H2Connection& self = Self(user_data);
  Stream* s = self.Find(stream_id);
  if (s == nullptr) return 0;
  s->body_bytes += len;
  const size_t limit = self.shared_->options.max_body_bytes;
  if (s->body_bytes <= limit || s->answered) return 0;
  return Guard([&] {
    return self.Reply(
        stream_id, *s,
        Problem(413, "Payload Too Large",
                "the request body exceeds " + std::to_string(limit) + " bytes",
                ""));
  });
}

int H2Connection::OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame,
                              void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) {
    return 0;
  }
  H2Connection& self = Self(user_data);
  Stream* s = self.Find(frame->hd.stream_id);
  if (s == nullptr) return 0;
  return Guard([&] {
    if (s->headers_too_large) {
      const size_t limit = self.shared_->options.max_header_bytes;
      return self.Reply(frame->hd.stream_id, *s,
                        Problem(431, "Request Header Fields Too Large",
                                "the header fields exceed " +
                                    std::to_string(limit) + " bytes",
                                ""));
    }
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) return 0;
    return self.OnRequestComplete(frame->hd.stream_id, *s);
  });
}

int H2Connection::OnRequestComplete(int32_t stream_id, Stream& stream) {
  if (stream.answered) return 0;
  return Reply(stream_id, stream, Answer(shared_->handler, stream.request));
}

int H2Connection::Reply(int32_t stream_id, Stream& stream,
                        HttpResponse response) {
  if (stream.answered) return 0;
  stream.answered = true;
  const bool has_body = response.status != 204 && response.status != 304;
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back(":status", std::to_string(response.status));
  if (!response.content_type.empty() && !HasLineBreak(response.content_type)) {
    fields.emplace_back("content-type", response.content_type);
  }
  for (auto& [name, value] : response.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) continue;
    std::string h2_name = H2Name(name);
    if (!h2_name.empty()) fields.emplace_back(std::move(h2_name), value);
  }
  if (has_body) {
    fields.emplace_back("content-length", std::to_string(response.body.size()));
    stream.response_body = std::move(response.body);
  }
  std::vector<nghttp2_nv> nva;
  nva.reserve(fields.size());
  for (const auto& [name, value] : fields) nva.push_back(Field(name, value));
  nghttp2_data_provider body{};
  body.source.ptr = &stream;
  body.read_callback = &ReadBody;
  const bool send_data = has_body && !stream.response_body.empty();
  const int rv =
      nghttp2_submit_response(session_.get(), stream_id, nva.data(), nva.size(),
                              send_data ? &body : nullptr);
  if (rv == 0) ++answered_;
  // A stream nghttp2 has closed meanwhile cannot be answered, which is no
  // failure of the connection; running out of memory is.
  return rv == NGHTTP2_ERR_NOMEM ? NGHTTP2_ERR_CALLBACK_FAILURE : 0;
}

ssize_t H2Connection::ReadBody(nghttp2_session*, int32_t /*stream_id*/,
                               uint8_t* buf, size_t length,
                               uint32_t* data_flags,
                               nghttp2_data_source* source,
                               void* /*user_data*/) {
  auto* s = static_cast<Stream*>(source->ptr);
  const size_t n = std::min(length, s->response_body.size() - s->response_sent);
  std::memcpy(buf, s->response_body.data() + s->response_sent, n);
  s->response_sent += n;
  if (s->response_sent == s->response_body.size()) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  }
  return static_cast<ssize_t>(n);
}

int H2Connection::OnFrameSend(nghttp2_session* session,
                              const nghttp2_frame* frame, void* /*user_data*/) {
  // Our answer is complete but the peer is still sending a request we will
  // not read (it was too large): RFC 9113 section 8.1 says to reset the
  // stream with NO_ERROR, which also stops its flow of DATA.
  const bool ends_stream =
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 &&
      (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA);
  if (ends_stream && nghttp2_session_get_stream_remote_close(
                         session, frame->hd.stream_id) == 0) {
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id,
                              NGHTTP2_NO_ERROR);
  }
  return 0;
}

int H2Connection::OnStreamClose(nghttp2_session*, int32_t stream_id,
                                uint32_t /*error_code*/, void* user_data) {
  Self(user_data).streams_.erase(stream_id);
  return 0;
}

}  // namespace imeisync::node::http
