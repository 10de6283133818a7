#include "base/text.h"

#include <algorithm>
#include <charconv>

namespace imeisync {

std::optional<std::vector<std::string_view>> SplitLines(std::string_view text) {
  if (!text.empty() && text.back() != '\n') return std::nullopt;
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    lines.push_back(text.substr(0, eol));
    text.remove_prefix(eol + 1);
  }
  return lines;
}

std::optional<uint64_t> ParseDecimal(std::string_view s) {
  const bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!digits || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  // Only digits remain, so from_chars fails only on overflow.
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace imeisync
