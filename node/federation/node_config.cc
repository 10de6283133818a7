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

Result<std::string> GetString(const toml::table& t, std::string_view key,
                              bool required) {
  return GetTomlString(t, key, "node.toml", "", required);
}

// "" or host:port (IsHostPort).
Result<std::string> GetAddress(const toml::table& t, std::string_view key) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string address, GetString(t, key, false));
  if (!address.empty() && !IsHostPort(address)) {
    return InvalidArgument("node.toml: " + std::string(key) + " \"" + address +
                           "\" is not host:port");
  }
  return address;
}

// The paths and listeners, paths resolved against `base_dir`.
Status ParsePaths(const toml::table& t, const std::string& base_dir,
                  NodeConfig& c) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string data_dir,
                            GetString(t, "data_dir", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string bundle, GetString(t, "bundle", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string signing_key,
                            GetString(t, "signing_key", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string tls_key, GetString(t, "tls_key", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string tls_cert,
                            GetString(t, "tls_cert", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string ca_cert, GetString(t, "ca_cert", true));
  IMEISYNC_ASSIGN_OR_RETURN(std::string salt, GetString(t, "salt", false));
  IMEISYNC_ASSIGN_OR_RETURN(std::string oprf_key,
                            GetString(t, "oprf_key", false));
  IMEISYNC_ASSIGN_OR_RETURN(c.listen, GetAddress(t, "listen"));
  IMEISYNC_ASSIGN_OR_RETURN(std::string admin,
                            GetString(t, "admin_socket", true));
  IMEISYNC_ASSIGN_OR_RETURN(c.http_listen, GetAddress(t, "http_listen"));
  c.data_dir = Resolve(base_dir, data_dir);
  c.bundle = Resolve(base_dir, bundle);
  c.signing_key = Resolve(base_dir, signing_key);
  c.tls_key = Resolve(base_dir, tls_key);
  c.tls_cert = Resolve(base_dir, tls_cert);
  c.ca_cert = Resolve(base_dir, ca_cert);
  c.salt = Resolve(base_dir, salt);
  c.oprf_key = Resolve(base_dir, oprf_key);
  c.admin_socket = Resolve(base_dir, admin);
  return Status::Ok();
}

// peers: an array of member ids; empty if absent.
Result<std::vector<std::string>> ParsePeers(const toml::table& t) {
  std::vector<std::string> out;
  const toml::node* peers = t.get("peers");
  if (peers == nullptr) return out;
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
    out.push_back(*id);
  }
  return out;
}

// Sets `*out` to the integer `key` in lo..hi; leaves it if `key` is absent.
Status GetInterval(const toml::table& t, const char* key, uint32_t lo,
                   uint32_t hi, uint32_t* out) {
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
  IMEISYNC_RETURN_IF_ERROR(CheckTomlKeys(
      t, "node.toml", "",
      {"id", "data_dir", "bundle", "signing_key", "tls_key", "tls_cert",
       "ca_cert", "salt", "oprf_key", "listen", "admin_socket", "http_listen",
       "peers", "sync_interval_ms", "checkpoint_interval_ms"}));
  NodeConfig c;
  IMEISYNC_ASSIGN_OR_RETURN(c.id, GetString(t, "id", true));
  if (!IsValidNodeId(c.id)) {
    return InvalidArgument("node.toml: id \"" + c.id +
                           "\" is not [a-z0-9-]{1,32}");
  }
  IMEISYNC_RETURN_IF_ERROR(ParsePaths(t, base_dir, c));
  IMEISYNC_ASSIGN_OR_RETURN(c.peers, ParsePeers(t));
  IMEISYNC_RETURN_IF_ERROR(
      GetInterval(t, "sync_interval_ms", 100, 3'600'000, &c.sync_interval_ms));
  IMEISYNC_RETURN_IF_ERROR(GetInterval(t, "checkpoint_interval_ms", 10, 60'000,
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
