// Calendar dates and times as the CLI accepts them (UTC, proleptic
// Gregorian).
#ifndef IMEISYNC_CLI_DATES_H_
#define IMEISYNC_CLI_DATES_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace imeisync::cli {

// "YYYY-MM-DD", 1970-01-01 or later and a real calendar day, as days since
// 1970-01-01. InvalidArgument saying which rule failed.
Result<uint32_t> ParseDay(std::string_view text);

// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or Unix milliseconds (digits only),
// as Unix milliseconds.
Result<uint64_t> ParseTimeMs(std::string_view text);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_DATES_H_
