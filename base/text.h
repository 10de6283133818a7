// Strict pieces of the line-based text formats (checkpoints, state heads;
// docs/formats.md): lines that each end in '\n', and canonical decimals.
#ifndef IMEISYNC_BASE_TEXT_H_
#define IMEISYNC_BASE_TEXT_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace imeisync {

// The lines of `text`, each without its '\n'; they view `text`, so they die
// with it. Every line must end in '\n': nullopt if `text` is non-empty and
// its last byte is not '\n'. Empty text has no lines.
std::optional<std::vector<std::string_view>> SplitLines(std::string_view text);

// The value of `s` if it is a canonical decimal: one or more ASCII digits,
// no sign or space, no leading zero unless `s` is "0", at most 2^64-1.
// nullopt otherwise.
std::optional<uint64_t> ParseDecimal(std::string_view s);

}  // namespace imeisync

#endif  // IMEISYNC_BASE_TEXT_H_
