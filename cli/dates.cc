#include "cli/dates.h"

#include <charconv>
#include <optional>
#include <string>

#include "node/entry.h"

namespace imeisync::cli {
namespace {

// Days since 1970-01-01 (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The number in text[pos, pos + len), all digits; nullopt otherwise.
std::optional<unsigned> Digits(std::string_view text, size_t pos, size_t len) {
  unsigned v = 0;
  auto [end, ec] =
      std::from_chars(text.data() + pos, text.data() + pos + len, v);
  if (ec != std::errc() || end != text.data() + pos + len) return std::nullopt;
  return v;
}

}  // namespace

Result<uint32_t> ParseDay(std::string_view s) {
  const std::string quoted = "\"" + std::string(s.substr(0, 32)) + "\"";
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return InvalidArgument("date " + quoted + " is not YYYY-MM-DD");
  }
  auto y = Digits(s, 0, 4), m = Digits(s, 5, 2), d = Digits(s, 8, 2);
  if (!y || !m || !d) {
    return InvalidArgument("date " + quoted + " is not YYYY-MM-DD");
  }
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  if (*m < 1 || *m > 12 || *d < 1 || *d > kDays[*m - 1] ||
      (*m == 2 && *d == 29 && !leap)) {
    return InvalidArgument("date " + quoted + " is not a calendar day");
  }
  if (*y < 1970) return InvalidArgument("date " + quoted + " is before 1970");
  return static_cast<uint32_t>(DaysFromCivil(*y, *m, *d));
}

Result<uint64_t> ParseTimeMs(std::string_view s) {
  if (!s.empty() &&
      s.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t ms = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc() || end != s.data() + s.size() ||
        ms > node::kMaxIssuedAtMs) {
      return InvalidArgument("time in milliseconds is out of range");
    }
    return ms;
  }
  IMEISYNC_ASSIGN_OR_RETURN(uint32_t day, ParseDay(s.substr(0, 10)));
  uint64_t ms = uint64_t{day} * 86'400'000;
  if (s.size() == 10) return ms;
  auto h = s.size() == 20 ? Digits(s, 11, 2) : std::nullopt;
  auto mi = s.size() == 20 ? Digits(s, 14, 2) : std::nullopt;
  auto sec = s.size() == 20 ? Digits(s, 17, 2) : std::nullopt;
  if (!h || !mi || !sec || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != 'Z' || *h > 23 || *mi > 59 || *sec > 59) {
    return InvalidArgument(
        "time is not Unix ms, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  }
  return ms + (uint64_t{*h} * 3600 + uint64_t{*mi} * 60 + *sec) * 1000;
}

}  // namespace imeisync::cli
