// The two TOML chores the bundle and node.toml share: parsing with an error
// a person can act on, and quoting a string for output.
#ifndef IMEISYNC_NODE_FEDERATION_TOML_TEXT_H_
#define IMEISYNC_NODE_FEDERATION_TOML_TEXT_H_

#include <toml++/toml.h>

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
