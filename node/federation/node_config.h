// node.toml: one node's local configuration. Paths are relative to the
// directory holding node.toml unless absolute. The bundle, not this file,
// is the authority on members and roles.
#ifndef IMEISYNC_NODE_FEDERATION_NODE_CONFIG_H_
#define IMEISYNC_NODE_FEDERATION_NODE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace imeisync::node::federation {

struct NodeConfig {
  std::string id;        // this node's id, as in the bundle and its certificate
  std::string data_dir;  // the LMDB environment
  std::string bundle;    // bundle.toml; bundle.toml.sig beside it
  std::string signing_key;  // Ed25519 PKCS#8 PEM: signs this node's checkpoints
  std::string tls_key;      // P-256 PKCS#8 PEM
  std::string tls_cert;     // issued by the federation CA, SAN = id
  std::string ca_cert;      // the federation CA
  std::string salt;         // salted mode, ministry and operators only; else ""
  // oprf mode, the bundle's OPRF evaluator only: the 32-byte OPRF key as 64
  // hex characters (crypto/oprf.h). "" elsewhere.
  std::string oprf_key;
  std::string listen;  // peer listener "host:port" (mutual TLS); "" = none
  std::string admin_socket;  // unix socket of the local admin and check APIs
  // HTTP listener "host:port": N5g-eir equipment-status, /metrics, /healthz.
  // "" = no HTTP. Meant for loopback or the core network's own segment.
  std::string http_listen;
  std::vector<std::string>
      peers;  // member ids to sync with; empty = all with endpoints
  // Milliseconds between full sync rounds with each healthy peer (announces
  // are pushed at once; rounds are the safety net). 100..3,600,000.
  uint32_t sync_interval_ms = 5000;
  // Least milliseconds between two checkpoints of this node's log while
  // entries arrive. 10..60,000.
  uint32_t checkpoint_interval_ms = 200;
};

// Parses node.toml strictly and resolves relative paths against `base_dir`
// ("" leaves them relative).
// InvalidArgument naming the key and line for a syntax error, an unknown or
// missing key, or an invalid id or address.
Result<NodeConfig> ParseNodeConfig(std::string_view toml_text,
                                   const std::string& base_dir);

// Reads and parses `path`; relative paths resolve against its directory.
Result<NodeConfig> LoadNodeConfig(const std::string& path);

// The node.toml text for `config`, paths written as given.
std::string FormatNodeConfig(const NodeConfig& config);

// True for "host:port" with a non-empty host and a port in 1..65535
// ("[::1]:7001" for IPv6).
bool IsHostPort(std::string_view address);

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_NODE_CONFIG_H_
