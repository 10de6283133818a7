#include "cli/csv_rows.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "cli/dates.h"
#include "node/imei.h"

namespace imeisync::cli {
namespace {

// Splits on commas; a field wrapped in double quotes loses them (quoted
// commas are not supported: no column needs them).
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    std::string_view f = line.substr(start, comma == std::string_view::npos
                                                ? std::string_view::npos
                                                : comma - start);
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t'))
      f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t'))
      f.remove_suffix(1);
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') {
      f = f.substr(1, f.size() - 2);
    }
    out.push_back(f);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

Result<CsvColumns> ParseCsvHeader(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // A UTF-8 byte order mark, as spreadsheets write.
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  CsvColumns c;
  const std::vector<std::string_view> fields = Fields(line);
  c.count = static_cast<int>(fields.size());
  for (int i = 0; i < c.count; ++i) {
    const std::string name = Lower(fields[i]);
    int* slot = name == "imei"        ? &c.imei
                : name == "reason"    ? &c.reason
                : name == "issued_at" ? &c.issued_at
                                      : nullptr;
    if (slot == nullptr) {
      return InvalidArgument("header column " + std::to_string(i + 1) + " \"" +
                             std::string(fields[i].substr(0, 40)) +
                             "\" is not imei, reason or issued_at");
    }
    if (*slot >= 0) {
      return InvalidArgument("header names column " + name + " twice");
    }
    *slot = i;
  }
  if (c.imei < 0) {
    return InvalidArgument(
        "the header has no imei column (expected e.g. "
        "\"imei,reason,issued_at\")");
  }
  return c;
}

Result<CsvRow> ParseCsvRow(std::string_view line, const CsvColumns& columns,
                           std::optional<node::Reason> default_reason) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::vector<std::string_view> fields = Fields(line);
  if (static_cast<int>(fields.size()) != columns.count) {
    return InvalidArgument(std::to_string(fields.size()) +
                           " fields; the header has " +
                           std::to_string(columns.count));
  }
  CsvRow row;
  auto imei = node::Imei::Parse(fields[columns.imei]);
  if (!imei.ok()) return InvalidArgument("imei: " + imei.status().message());
  row.imei = imei->imei15();
  std::optional<node::Reason> reason = default_reason;
  if (columns.reason >= 0 && !fields[columns.reason].empty()) {
    reason = node::ParseReason(fields[columns.reason]);
    if (!reason) {
      return InvalidArgument("reason \"" +
                             std::string(fields[columns.reason].substr(0, 32)) +
                             "\" is unknown");
    }
  }
  if (!reason) {
    return InvalidArgument(
        "no reason: the row has none and no --reason was given");
  }
  row.reason = *reason;
  if (columns.issued_at >= 0 && !fields[columns.issued_at].empty()) {
    auto at = ParseTimeMs(fields[columns.issued_at]);
    if (!at.ok()) return InvalidArgument("issued_at: " + at.status().message());
    row.issued_at_ms = *at;
  }
  return row;
}

}  // namespace imeisync::cli
