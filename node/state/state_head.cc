#include "node/state/state_head.h"

#include <algorithm>

#include "base/base64.h"
#include "base/text.h"

namespace imeisync::node::state {
namespace {

constexpr std::string_view kSuffix = "/state-head";

Result<uint64_t> ParseDecimal(std::string_view s, const std::string& what) {
  const std::optional<uint64_t> v = imeisync::ParseDecimal(s);
  if (!v) {
    return InvalidArgument("state head: " + what + " is not a decimal number");
  }
  return *v;
}

Result<Hash32> ParseRoot(std::string_view s, const std::string& what) {
  auto bytes = Base64Decode(s);
  if (!bytes.ok() || bytes->size() != 32) {
    return InvalidArgument("state head: " + what +
                           " is not 32 bytes of base64");
  }
  Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

}  // namespace

std::string FormatStateHeadText(const StateHead& head) {
  std::string out = head.node_origin + std::string(kSuffix) + "\n";
  out += std::to_string(head.time_ms) + "\n";
  out += Base64Encode(head.state_root) + "\n";
  out += std::to_string(head.frontier.size()) + "\n";
  for (const FrontierEntry& f : head.frontier) {
    out += f.origin + " " + std::to_string(f.size) + " " +
           Base64Encode(f.root) + "\n";
  }
  return out;
}

Result<StateHead> ParseStateHeadText(std::string_view text) {
  std::optional<std::vector<std::string_view>> split = SplitLines(text);
  if (!split) {
    return InvalidArgument("state head: the last line has no newline");
  }
  const std::vector<std::string_view>& lines = *split;
  if (lines.size() < 4) {
    return InvalidArgument("state head: " + std::to_string(lines.size()) +
                           " lines, need at least 4");
  }
  StateHead head;
  std::string_view first = lines[0];
  if (first.size() <= kSuffix.size() ||
      first.substr(first.size() - kSuffix.size()) != kSuffix) {
    return InvalidArgument("state head: line 1 does not end in " +
                           std::string(kSuffix));
  }
  head.node_origin =
      std::string(first.substr(0, first.size() - kSuffix.size()));
  IMEISYNC_ASSIGN_OR_RETURN(head.time_ms, ParseDecimal(lines[1], "line 2"));
  IMEISYNC_ASSIGN_OR_RETURN(head.state_root, ParseRoot(lines[2], "line 3"));
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t count, ParseDecimal(lines[3], "line 4"));
  if (count != lines.size() - 4) {
    return InvalidArgument("state head: line 4 says " + std::to_string(count) +
                           " origins, but " + std::to_string(lines.size() - 4) +
                           " follow");
  }
  for (size_t i = 4; i < lines.size(); ++i) {
    const std::string where = "line " + std::to_string(i + 1);
    std::string_view line = lines[i];
    size_t a = line.find(' ');
    size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    if (b == std::string_view::npos || a == 0 ||
        line.find(' ', b + 1) != std::string_view::npos) {
      return InvalidArgument("state head: " + where +
                             " is not \"<origin> <size> <root>\"");
    }
    FrontierEntry f;
    f.origin = std::string(line.substr(0, a));
    IMEISYNC_ASSIGN_OR_RETURN(
        f.size, ParseDecimal(line.substr(a + 1, b - a - 1), where));
    IMEISYNC_ASSIGN_OR_RETURN(f.root, ParseRoot(line.substr(b + 1), where));
    if (!head.frontier.empty() && head.frontier.back().origin >= f.origin) {
      return InvalidArgument("state head: " + where +
                             " is out of order or repeats an origin");
    }
    head.frontier.push_back(std::move(f));
  }
  return head;
}

}  // namespace imeisync::node::state
