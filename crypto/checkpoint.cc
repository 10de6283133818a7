#include "crypto/checkpoint.h"

#include <algorithm>

#include "base/base64.h"
#include "base/text.h"

namespace imeisync::crypto {

std::string FormatCheckpointText(const Checkpoint& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" +
                    Base64Encode(c.root) + "\n";
  for (const std::string& e : c.extensions) out += e + "\n";
  return out;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  std::optional<std::vector<std::string_view>> split = SplitLines(text);
  if (text.empty() || !split) {
    return InvalidArgument("checkpoint text does not end in a newline");
  }
  const std::vector<std::string_view>& lines = *split;
  if (lines.size() < 3) {
    return InvalidArgument("checkpoint has " + std::to_string(lines.size()) +
                           " lines; origin, size and root are required");
  }
  Checkpoint c;
  if (lines[0].empty())
    return InvalidArgument("checkpoint line 1: empty origin");
  c.origin = std::string(lines[0]);

  const std::string_view size = lines[1];
  const std::optional<uint64_t> size_value = ParseDecimal(size);
  if (!size_value || size.size() > 19) {
    return InvalidArgument("checkpoint line 2: size \"" +
                           std::string(size.substr(0, 40)) +
                           "\" is not a decimal without leading zeros");
  }
  c.size = *size_value;
  if (c.size > 0x7FFFFFFFFFFFFFFFull) {
    return InvalidArgument("checkpoint line 2: size exceeds 2^63-1");
  }

  auto root = Base64Decode(lines[2]);
  if (!root.ok()) return root.status().WithContext("checkpoint line 3: root");
  if (root->size() != 32) {
    return InvalidArgument("checkpoint line 3: root is " +
                           std::to_string(root->size()) +
                           " bytes, expected 32");
  }
  std::copy(root->begin(), root->end(), c.root.begin());

  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgument("checkpoint line " + std::to_string(i + 1) +
                             ": extension lines must be non-empty");
    }
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

Result<ParsedCheckpoint> ParseSignedCheckpoint(std::string_view raw) {
  ParsedCheckpoint parsed;
  IMEISYNC_ASSIGN_OR_RETURN(parsed.note, ParseNote(raw));
  IMEISYNC_ASSIGN_OR_RETURN(parsed.checkpoint,
                            ParseCheckpointText(parsed.note.text));
  parsed.raw = std::string(raw);
  return parsed;
}

}  // namespace imeisync::crypto
