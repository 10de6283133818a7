// IMEIs given as arguments, answered with one JSON line each (imei parse,
// tag).
#ifndef IMEISYNC_CLI_IMEI_LINES_H_
#define IMEISYNC_CLI_IMEI_LINES_H_

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "node/imei.h"

namespace imeisync::cli {

// What one IMEI's line says, given the argument and the IMEI it parses to.
using ImeiLineFn = std::function<Result<nlohmann::ordered_json>(
    const std::string& input, const node::Imei& imei)>;

// Parses each of `inputs` in order (node/imei.h) and prints
// line(input, imei) as a JSON line. At the first malformed IMEI prints
// `imeisync: invalid IMEI "<input>": <why>` on stderr, the input cut to its
// first `quoted_chars` characters, and returns kExitUsage; an error of
// `line` is returned as it is. Either way the lines before it stay printed.
Result<int> PrintImeiLines(const std::vector<std::string>& inputs,
                           size_t quoted_chars, const ImeiLineFn& line);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_IMEI_LINES_H_
