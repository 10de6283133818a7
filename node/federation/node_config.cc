#include "node/federation/node_config.h"

#include <algorithm>

#include "base/file_util.h"
#include "node/federation/bundle.h"
#include "node/federation/toml_text.h"

namespace imeisync::node::federation {
namespace {

// `path` against `base`; "" as base keeps relative paths relative.
std::string Resolve(const std::string& base, const std::string& path) {
  if (path.empty() || path[0] == '/' || base.empty()) return path;
  return base + "/" + path;
}

}  // namespace

bool IsHostPort(std::string_view a) {
  const size_t colon = a.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == a.size())
    return false;
  std::string_view host = a.substr(0, colon), port = a.substr(colon + 1);
  if (host.front() == '[' && host.back() != ']') return false;
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
        return c >= '0' && c <= '9';
      })) {
    return false;
  }
  const int p = std::stoi(std::string(port));
  return p >= 1 && p <= 65535;
}

Result<NodeConfig> ParseNodeConfig(std::string_view text,
                                   const std::string& base_dir) {
  IMEISYNC_ASSIGN_OR_RETURN(toml::table t, ParseToml(text, "node.toml"));
  static constexpr std::string_view kKeys[] = {"id",
                                               "data_dir",
                                               "bundle",
                                               "signing_key",
                                               "tls_key",
                                               "tls_cert",
                                               "ca_cert",
                                               "salt",
                                               "oprf_key",
                                               "listen",
                                               "admin_socket",
                                               "http_listen",
                                               "peers",
                                               "sync_interval_ms",
                                               "checkpoint_interval_ms"};
  for (const auto& [key, value] : t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key.str()) ==
        std::end(kKeys)) {
      return InvalidArgument("node.toml: unknown key " +
                             std::string(key.str()) + " (line " +
                             std::to_string(value.source().begin.line) + ")");
    }
  }
  auto get = [&](std::string_view key, bool required) -> Result<std::string> {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required)
        return InvalidArgument("node.toml: " + std::string(key) +
                               " is missing");
      return std::string();
    }
    auto v = n->value<std::string>();
    if (!v) {
      return InvalidArgument("node.toml: " + std::string(key) + " (line " +
                             std::to_string(n->source().begin.line) +
                             ") must be a string");
    }
    return *v;
  };
  NodeConfig c;
  IMEISYNC_ASSIGN_OR_RETURN(c.id, get("id", true));
  if (!IsValidNodeId(c.id)) {
    return InvalidArgument("node.toml: id \"" + c.id +
                           "\" is not [a-z0-9-]{1,32}");
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string data_dir, get("data_dir", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string bundle, get("bundle", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string signing_key, get("signing_key", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string tls_key, get("tls_key", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string tls_cert, get("tls_cert", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string ca_cert, get("ca_cert", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string salt, get("salt", false));
  IMEISYNC_ASSIGN_OR_RETURN(std::string oprf_key, get("oprf_key", false));
  IMEISYNC_ASSIGN_OR_RETURN(c.listen, get("listen", false));
  if (!c.listen.empty() && !IsHostPort(c.listen)) {
    return InvalidArgument("node.toml: listen \"" + c.listen +
                           "\" is not host:port");
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string admin, get("admin_socket", true));
  IMEISYNC_ASSIGN_OR_RETURN(c.http_listen, get("http_listen", false));
  if (!c.http_listen.empty() && !IsHostPort(c.http_listen)) {
    return InvalidArgument("node.toml: http_listen \"" + c.http_listen +
                           "\" is not host:port");
  }
  c.data_dir = Resolve(base_dir, data_dir);
  c.bundle = Resolve(base_dir, bundle);
  c.signing_key = Resolve(base_dir, signing_key);
  c.tls_key = Resolve(base_dir, tls_key);
  c.tls_cert = Resolve(base_dir, tls_cert);
  c.ca_cert = Resolve(base_dir, ca_cert);
  c.salt = Resolve(base_dir, salt);
  c.oprf_key = Resolve(base_dir, oprf_key);
  c.admin_socket = Resolve(base_dir, admin);
  if (const toml::node* peers = t.get("peers")) {
    const toml::array* arr = peers->as_array();
    if (arr == nullptr)
      return InvalidArgument("node.toml: peers must be an array of member ids");
    for (const toml::node& p : *arr) {
      auto id = p.value<std::string>();
      if (!id || !IsValidNodeId(*id)) {
        return InvalidArgument("node.toml: peers (line " +
                               std::to_string(p.source().begin.line) +
                               ") holds something that is not a member id");
      }
      c.peers.push_back(*id);
    }
  }
  auto interval = [&](const char* key, uint32_t lo, uint32_t hi,
                      uint32_t* out) -> Status {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    auto v = n->value<int64_t>();
    if (!v || *v < lo || *v > hi) {
      return InvalidArgument("node.toml: " + std::string(key) + " (line " +
                             std::to_string(n->source().begin.line) +
                             ") must be an integer from " + std::to_string(lo) +
                             " to " + std::to_string(hi));
    }
    *out = static_cast<uint32_t>(*v);
    return Status::Ok();
  };
  IMEISYNC_RETURN_IF_ERROR(
      interval("sync_interval_ms", 100, 3'600'000, &c.sync_interval_ms));
  IMEISYNC_RETURN_IF_ERROR(interval("checkpoint_interval_ms", 10, 60'000,
                                    &c.checkpoint_interval_ms));
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 20));
  const size_t slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path.substr(0, slash);
  auto config = ParseNodeConfig(text, dir);
  if (!config.ok()) return config.status().WithContext(path);
  return config;
}

std::string FormatNodeConfig(const NodeConfig& c) {
  std::string out =
      "# imeisync node configuration. Paths are relative to this file.\n";
  out += "id = " + TomlQuote(c.id) + "\n";
  out += "data_dir = " + TomlQuote(c.data_dir) + "\n";
  out += "bundle = " + TomlQuote(c.bundle) + "\n";
  out += "signing_key = " + TomlQuote(c.signing_key) + "\n";
  out += "tls_key = " + TomlQuote(c.tls_key) + "\n";
  out += "tls_cert = " + TomlQuote(c.tls_cert) + "\n";
  out += "ca_cert = " + TomlQuote(c.ca_cert) + "\n";
  if (!c.salt.empty()) out += "salt = " + TomlQuote(c.salt) + "\n";
  if (!c.oprf_key.empty()) out += "oprf_key = " + TomlQuote(c.oprf_key) + "\n";
  out += "listen = " + TomlQuote(c.listen) + "\n";
  out += "admin_socket = " + TomlQuote(c.admin_socket) + "\n";
  out +=
      "# The HTTP listener: N5g-eir equipment-status, /metrics, /healthz. "
      "Empty turns it off.\n";
  out += "http_listen = " + TomlQuote(c.http_listen) + "\n";
  out +=
      "# Member ids to sync with; empty means every other member with an "
      "endpoint.\n";
  out += "peers = [";
  for (size_t i = 0; i < c.peers.size(); ++i)
    out += (i ? ", " : "") + TomlQuote(c.peers[i]);
  out += "]\n";
  out += "sync_interval_ms = " + std::to_string(c.sync_interval_ms) + "\n";
  out +=
      "checkpoint_interval_ms = " + std::to_string(c.checkpoint_interval_ms) +
      "\n";
  return out;
}

}  // namespace imeisync::node::federation
