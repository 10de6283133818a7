// Readers for the fields of bundle.toml, shared by the table parsers of
// bundle_parse.cc. Every error is InvalidArgument and starts "bundle: "; a
// field is named by its table's path and key ("member[2].key") and, where
// the file has it, its line: "bundle: member[2].key (line 14) must be a
// string". `path` is never empty except for the top-level key check.
#ifndef IMEISYNC_NODE_FEDERATION_BUNDLE_FIELDS_H_
#define IMEISYNC_NODE_FEDERATION_BUNDLE_FIELDS_H_

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/ed25519.h"
#include "node/federation/bundle.h"
#include "node/federation/toml_text.h"

namespace imeisync::node::federation {

// OK if every key of table `t` at `path` is in `allowed`; else
// "bundle: unknown key <path>.<key> (line N)".
Status CheckKeys(const toml::table& t, std::string_view path,
                 std::initializer_list<std::string_view> allowed);

// "bundle: <path> (line N): <what>", about the table `item` at `path`.
Status TableError(const toml::node& item, std::string_view path,
                  const std::string& what);

// The string `key`; "" if absent and not `required`. Errors: "... is
// missing", "... must be a string".
Result<std::string> GetString(const toml::table& t, std::string_view key,
                              std::string_view path, bool required = true);

// The integer `key`, at least 0; `fallback` if absent and one is given.
// Errors: "... is missing", "... must be a non-negative integer".
Result<uint64_t> GetUint(const toml::table& t, std::string_view key,
                         std::string_view path,
                         std::optional<uint64_t> fallback = std::nullopt);

// The Ed25519 public key `key`, base64 of its 32 raw bytes. A bad key's
// error is the decoder's, prefixed "bundle: <path>.<key>: ".
Result<crypto::Ed25519PublicKey> GetKey(const toml::table& t,
                                        std::string_view key,
                                        std::string_view path);

// A member's or a link's oprf_budget (the table `item` at `path`): unset
// if absent. Refused unless `mode` is oprf: "... oprf_budget is set but
// mode is salted".
Result<std::optional<uint64_t>> GetOprfBudget(const toml::table& t,
                                              const toml::node& item,
                                              const std::string& path,
                                              TagMode mode);

// The [[`key`]] tables of the top-level table `root`; nullptr if there are
// none. Error: "bundle: <key> (line N) must be [[<key>]] tables".
Result<const toml::array*> GetTableArray(const toml::table& root,
                                         std::string_view key);

// The array of names `key`, each read with `parse` (ParseReason,
// ParseAction); `fallback` if the key is absent. Errors: "... must be an
// array", "... (line N): unknown name \"<name>\"".
template <class T>
Result<std::set<T>> GetNames(const toml::table& t, std::string_view key,
                             std::string_view path,
                             std::optional<T> (*parse)(std::string_view),
                             std::set<T> fallback = {}) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  const toml::array* arr = n->as_array();
  const std::string where = KeyName(path, key);
  if (arr == nullptr)
    return InvalidArgument("bundle: " + Where(*n, where) + " must be an array");
  std::set<T> out;
  for (const toml::node& item : *arr) {
    auto s = item.value<std::string>();
    auto v = s ? parse(*s) : std::nullopt;
    if (!v) {
      return InvalidArgument("bundle: " + Where(item, where) +
                             ": unknown name \"" +
                             (s ? *s : std::string("<not a string>")) + "\"");
    }
    out.insert(*v);
  }
  return out;
}

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_BUNDLE_FIELDS_H_
