// Output helpers shared by commands: JSON lines on stdout, one-line errors
// on stderr.
#ifndef IMEISYNC_CLI_OUTPUT_H_
#define IMEISYNC_CLI_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"

namespace imeisync::cli {

// Prints `obj` as one compact JSON line and flushes, so that lines already
// printed survive a later error exit. Invalid UTF-8 in strings is replaced
// with U+FFFD rather than aborting the output.
void PrintJsonLine(const nlohmann::ordered_json& obj);

// The JSON array of `to_json(item)` for each of `items`, in order; [] when
// there are none.
template <class Items, class ToJson>
nlohmann::ordered_json JsonArray(const Items& items, ToJson to_json) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

// Prints `obj` as a JSON line when `json`, else `text` and a newline: the
// two forms of every command that reports one result.
void PrintResult(bool json, const nlohmann::ordered_json& obj,
                 std::string_view text);

// Prints "imeisync: <context>: <message>" on stderr.
void PrintError(std::string_view context, const Status& status);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_OUTPUT_H_
