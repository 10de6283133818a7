// The daemon's three listeners: peers (gRPC over mutual TLS), the admin
// unix socket, and HTTP (docs/design.md "Replication", "Device checks").
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "node/rpc/daemon.h"
#include "node/rpc/tls.h"

namespace imeisync::node::rpc {
namespace {

constexpr int kMaxMessageBytes = 64 << 20;
constexpr int kHttpThreads = 2;

}  // namespace

Status Daemon::StartListeners(const federation::NodeConfig& config) {
  if (!config.listen.empty()) {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(config.listen, PeerServerCredentials(tls_), &port);
    builder.RegisterService(replication_.get());
    builder.RegisterService(state_sync_.get());
    if (oprf_) builder.RegisterService(oprf_.get());
    builder.SetMaxReceiveMessageSize(4 << 20);
    // Without this a second process could bind the same port beside us.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    peer_server_ = builder.BuildAndStart();
    if (!peer_server_ || port == 0) {
      return Unavailable("cannot listen on " + config.listen +
                         " (peer listener): address in use or not local");
    }
  }
  {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("unix:" + config.admin_socket,
                             grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(admin_.get());
    builder.RegisterService(check_.get());
    builder.RegisterService(audit_.get());
    builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
    admin_server_ = builder.BuildAndStart();
    if (!admin_server_) {
      return Unavailable("cannot listen on unix socket " + config.admin_socket +
                         " (admin listener)");
    }
    if (chmod(config.admin_socket.c_str(), 0600) != 0) {
      return Unavailable("cannot chmod 0600 " + config.admin_socket + ": " +
                         std::strerror(errno));
    }
  }
  if (!config.http_listen.empty()) {
    auto http = http::HttpServer::Start(config.http_listen, HttpHandler(),
                                        kHttpThreads);
    if (!http.ok()) {
      return Status(http.status().code(),
                    http.status().message() + " (http_listen)");
    }
    http_server_ = *std::move(http);
  }
  return Status::Ok();
}

}  // namespace imeisync::node::rpc
