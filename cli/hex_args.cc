#include "cli/hex_args.h"

#include "base/hex.h"

namespace imeisync::cli {

Result<Hash32> ParseHashArg(std::string_view what, std::string_view hex) {
  auto h = HexDecode32(hex);
  if (!h.ok()) return h.status().WithContext(std::string(what));
  return h;
}

Result<std::vector<Hash32>> ParseHashList(std::string_view what,
                                          std::string_view list) {
  std::vector<Hash32> out;
  if (list.empty()) return out;
  size_t start = 0;
  for (int element = 1;; ++element) {
    size_t comma = list.find(',', start);
    std::string_view item = list.substr(
        start, comma == std::string_view::npos ? comma : comma - start);
    auto h = HexDecode32(item);
    if (!h.ok()) {
      return h.status().WithContext(std::string(what) + " element " +
                                    std::to_string(element));
    }
    out.push_back(*h);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Status ForEachLine(
    std::istream& in, std::string_view name,
    const std::function<Status(const std::string& line, size_t number)>& fn) {
  // All of `in` is read before the first line is looked at, so a writer
  // feeding us a pipe never sees it closed early.
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    Status s = fn(lines[i], i + 1);
    if (!s.ok()) {
      return s.WithContext(std::string(name) + " line " +
                           std::to_string(i + 1));
    }
  }
  return Status::Ok();
}

}  // namespace imeisync::cli
