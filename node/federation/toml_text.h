// The TOML chores the bundle and node.toml share: parsing, strict keys and
// string fields with errors a person can act on, and quoting for output.
// Every message starts with `what` ("bundle", "node.toml").
#ifndef IMEISYNC_NODE_FEDERATION_TOML_TEXT_H_
#define IMEISYNC_NODE_FEDERATION_TOML_TEXT_H_

#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/status.h"

namespace imeisync::node::federation {

// Parses `text`; a syntax error is InvalidArgument
// "<what>: TOML syntax error at line N: <description>".
inline Result<toml::table> ParseToml(std::string_view text,
                                     std::string_view what) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(std::string(what) + ": TOML syntax error at line " +
                           std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
}

// "<name> (line N)": where node `n` stands, for messages.
inline std::string Where(const toml::node& n, std::string_view name) {
  return std::string(name) + " (line " + std::to_string(n.source().begin.line) +
         ")";
}

// "<path>.<key>", or `key` alone at the top level (`path` empty).
inline std::string KeyName(std::string_view path, std::string_view key) {
  return std::string(path) + (path.empty() ? "" : ".") + std::string(key);
}

// OK if every key of table `t` (at `path`) is in `allowed`; else
// InvalidArgument "<what>: unknown key <path>.<key> (line N)". A typo must
// not silently drop a setting.
inline Status CheckTomlKeys(const toml::table& t, std::string_view what,
                            std::string_view path,
                            std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : t) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      return InvalidArgument(std::string(what) + ": unknown key " +
                             Where(value, KeyName(path, key.str())));
    }
  }
  return Status::Ok();
}

// The string `key` of table `t` (at `path`); "" if it is absent and not
// `required`. InvalidArgument "<what>: <path>.<key> is missing" or
// "<what>: <path>.<key> (line N) must be a string".
inline Result<std::string> GetTomlString(const toml::table& t,
                                         std::string_view key,
                                         std::string_view what,
                                         std::string_view path, bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (!required) return std::string();
    return InvalidArgument(std::string(what) + ": " + KeyName(path, key) +
                           " is missing");
  }
  auto v = n->value<std::string>();
  if (!v) {
    return InvalidArgument(std::string(what) + ": " +
                           Where(*n, KeyName(path, key)) + " must be a string");
  }
  return *v;
}

// A TOML basic string holding `s`. REQUIRES: no control characters.
inline std::string TomlQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_TOML_TEXT_H_
