// A connection to a running node's admin API: the unix socket named in its
// node.toml. Every call the CLI makes has a deadline, so a node that stops
// answering ends the command rather than hanging it.
#ifndef IMEISYNC_CLI_ADMIN_CLIENT_H_
#define IMEISYNC_CLI_ADMIN_CLIENT_H_

#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "node/federation/node_config.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::cli {

struct AdminClient {
  node::federation::NodeConfig config;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Admin::Stub> stub;
};

// Loads `config_path` and connects to its admin socket. Unavailable, naming
// the socket, if no daemon answers within `connect_timeout`.
Result<AdminClient> ConnectAdmin(
    const std::string& config_path,
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5));

// Sets the deadline of the call `context` is for to `timeout` from now.
void SetDeadline(grpc::ClientContext& context,
                 std::chrono::milliseconds timeout);

// Makes the unary call `method` of `stub` with a deadline `timeout` from now
// and returns its status. Read `*reply` only when that is OK.
template <class Stub, class Request, class Reply>
grpc::Status UnaryCall(Stub& stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                    const Request&, Reply*),
                       const Request& request, Reply* reply,
                       std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  SetDeadline(context, timeout);
  return (stub.*method)(&context, request, reply);
}

// Reports a failed admin call on stderr ("imeisync: <context>: ...") and
// returns the exit status: kExitUsage when the node was not reached or did
// not answer in time, kExitInvalid when it refused the request.
int ReportFailedCall(std::string_view context, const grpc::Status& status);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_ADMIN_CLIENT_H_
