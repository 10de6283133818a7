#include "node/federation/bundle_fields.h"

#include "base/base64.h"

namespace imeisync::node::federation {

Status CheckKeys(const toml::table& t, std::string_view path,
                 std::initializer_list<std::string_view> allowed) {
  return CheckTomlKeys(t, "bundle", path, allowed);
}

Status TableError(const toml::node& item, std::string_view path,
                  const std::string& what) {
  return InvalidArgument("bundle: " + Where(item, path) + ": " + what);
}

Result<std::string> GetString(const toml::table& t, std::string_view key,
                              std::string_view path, bool required) {
  return GetTomlString(t, key, "bundle", path, required);
}

Result<uint64_t> GetUint(const toml::table& t, std::string_view key,
                         std::string_view path,
                         std::optional<uint64_t> fallback) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (fallback) return *fallback;
    return InvalidArgument("bundle: " + KeyName(path, key) + " is missing");
  }
  auto v = n->value_exact<int64_t>();
  if (!v || *v < 0) {
    return InvalidArgument("bundle: " + Where(*n, KeyName(path, key)) +
                           " must be a non-negative integer");
  }
  return static_cast<uint64_t>(*v);
}

Result<crypto::Ed25519PublicKey> GetKey(const toml::table& t,
                                        std::string_view key,
                                        std::string_view path) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string text, GetString(t, key, path));
  const std::string context = "bundle: " + KeyName(path, key);
  auto raw = Base64Decode(text);
  if (!raw.ok()) return raw.status().WithContext(context);
  auto k = crypto::Ed25519PublicKey::FromRaw(*raw);
  if (!k.ok()) return k.status().WithContext(context);
  return k;
}

Result<std::optional<uint64_t>> GetOprfBudget(const toml::table& t,
                                              const toml::node& item,
                                              const std::string& path,
                                              TagMode mode) {
  if (!t.contains("oprf_budget")) return std::optional<uint64_t>();
  if (mode != TagMode::kOprf)
    return TableError(item, path, "oprf_budget is set but mode is salted");
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t budget, GetUint(t, "oprf_budget", path));
  return std::optional<uint64_t>(budget);
}

Result<const toml::array*> GetTableArray(const toml::table& root,
                                         std::string_view key) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  const toml::array* arr = n->as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    return InvalidArgument("bundle: " + Where(*n, key) + " must be [[" +
                           std::string(key) + "]] tables");
  }
  return arr;
}

}  // namespace imeisync::node::federation
