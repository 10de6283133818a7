// Mutual TLS between members: every peer connection is authenticated in
// both directions by a certificate the federation CA issued, whose SAN is
// the member's node id (docs/design.md "What is checked before anything
// is applied").
#ifndef IMEISYNC_NODE_RPC_TLS_H_
#define IMEISYNC_NODE_RPC_TLS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "node/federation/node_config.h"

namespace imeisync::node::rpc {

struct TlsMaterial {
  std::string ca_pem;
  std::string key_pem;
  std::string cert_pem;
};

// Reads ca_cert, tls_key and tls_cert of `config`; errors name the file.
Result<TlsMaterial> LoadTlsMaterial(const federation::NodeConfig& config);

// Server side: requires and verifies a client certificate from the CA.
std::shared_ptr<grpc::ServerCredentials> PeerServerCredentials(
    const TlsMaterial& tls);

// A channel to the member `peer_id` at `endpoint`. The server's
// certificate must carry `peer_id` in its SAN, whatever address is dialled.
std::shared_ptr<grpc::Channel> PeerChannel(const TlsMaterial& tls,
                                           const std::string& endpoint,
                                           const std::string& peer_id);

// The node id in the caller's verified certificate, or nullopt when the
// connection carries none (which the server's credentials never allow) or
// its SAN is not a single valid node id.
std::optional<std::string> CallerNodeId(const grpc::ServerContext& context);

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_TLS_H_
