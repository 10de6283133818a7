// A connection to a running node's admin API: the unix socket named in its
// node.toml.
#ifndef IMEISYNC_CLI_ADMIN_CLIENT_H_
#define IMEISYNC_CLI_ADMIN_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "node/federation/node_config.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::cli {

struct AdminClient {
  node::federation::NodeConfig config;
  std::unique_ptr<v1::Admin::Stub> stub;
};

// Loads `config_path` and connects to its admin socket. Unavailable, naming
// the socket, if no daemon answers within `connect_timeout`.
Result<AdminClient> ConnectAdmin(
    const std::string& config_path,
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5));

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_ADMIN_CLIENT_H_
