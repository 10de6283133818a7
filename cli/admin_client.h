// A connection to a running node's admin API: the unix socket named in its
// node.toml.
#ifndef IMEISYNC_CLI_ADMIN_CLIENT_H_
#define IMEISYNC_CLI_ADMIN_CLIENT_H_

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

// Reports a failed admin call on stderr ("imeisync: <context>: ...") and
// returns the exit status: kExitUsage when the node was not reached or did
// not answer in time, kExitInvalid when it refused the request.
int ReportFailedCall(std::string_view context, const grpc::Status& status);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_ADMIN_CLIENT_H_
