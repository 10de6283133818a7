// What every connection of one HttpServer shares, whichever protocol it
// speaks, and the token that counts a connection as open.
#ifndef IMEISYNC_NODE_HTTP_SESSION_SHARED_H_
#define IMEISYNC_NODE_HTTP_SESSION_SHARED_H_

#include <atomic>
#include <utility>

#include "node/http/http_server.h"

namespace imeisync::node::http {

// Owned by the server; it must outlive every connection, which holds when
// the io_context running them is destroyed first.
struct SessionShared {
  HttpHandler handler;        // non-empty
  HttpServerOptions options;  // already validated by HttpServer::Start
  // Connections open now: the acceptor adds one and hands a ConnectionSlot
  // to the connection, which gives it back when it is destroyed.
  std::atomic<int> connections{0};
};

// One count in SessionShared::connections, subtracted when the slot is
// destroyed. Move-only; a moved-from slot counts nothing.
class ConnectionSlot {
 public:
  // REQUIRES: the caller already added this connection to
  // shared->connections.
  explicit ConnectionSlot(SessionShared* shared) : shared_(shared) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : shared_(std::exchange(other.shared_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (shared_ != nullptr) {
      shared_->connections.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  SessionShared* shared() const { return shared_; }

 private:
  SessionShared* shared_;
};

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_SESSION_SHARED_H_
