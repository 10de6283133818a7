// Parsing of hashes given on the command line or stdin.
#ifndef IMEISYNC_CLI_HEX_ARGS_H_
#define IMEISYNC_CLI_HEX_ARGS_H_

#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::cli {

// A 32-byte hash from 64 hex characters; errors name `what` (e.g. "--root").
Result<Hash32> ParseHashArg(std::string_view what, std::string_view hex);

// A comma-separated list of hashes; "" is the empty list. Errors name the
// 1-based element.
Result<std::vector<Hash32>> ParseHashList(std::string_view what,
                                          std::string_view list);

// Reads `in` to its end, then calls fn(line, number) for each line without
// its "\n" or "\r\n" (`number` from 1; a final newline ends the last line
// rather than starting an empty one). Stops at the first error of `fn` and
// returns it in the context "<name> line <number>".
Status ForEachLine(
    std::istream& in, std::string_view name,
    const std::function<Status(const std::string& line, size_t number)>& fn);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_HEX_ARGS_H_
