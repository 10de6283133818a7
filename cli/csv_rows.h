// Rows of an import CSV: a header naming the columns, then one device per
// line.
//
//   file   = header *row
//   header = column *("," column)   ; "imei" once; "reason", "issued_at"
//                                   ; at most once; any case, any order
//   column = "imei" / "reason" / "issued_at"
//   row    = field *("," field)     ; as many fields as the header
//   field  = *CHAR / DQUOTE *CHAR DQUOTE
//
// Blank lines are skipped; CRLF line ends are accepted. `reason` is a
// reason name (stolen, lost, ...; empty = the import's --reason) and
// `issued_at` is Unix milliseconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC;
// empty = now).
#ifndef IMEISYNC_CLI_CSV_ROWS_H_
#define IMEISYNC_CLI_CSV_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "node/entry.h"

namespace imeisync::cli {

struct CsvColumns {
  int imei = -1;
  int reason = -1;     // -1: absent
  int issued_at = -1;  // -1: absent
  int count = 0;
};

// Parses the header line. InvalidArgument naming the unknown, repeated or
// missing column.
Result<CsvColumns> ParseCsvHeader(std::string_view line);

struct CsvRow {
  std::string imei;  // the 15-digit form (core plus check digit)
  node::Reason reason;
  uint64_t issued_at_ms = 0;  // 0 = now
};

// Parses and checks one data line: the IMEI (node::Imei rules), the reason
// and the time. InvalidArgument says what is wrong without quoting the
// IMEI, e.g. "3 fields; the header has 2", "imei: wrong check digit 2;
// expected 1", "reason \"stolne\" is unknown".
// `default_reason` (the import's --reason) fills an empty or absent reason;
// without one such a row is InvalidArgument.
Result<CsvRow> ParseCsvRow(std::string_view line, const CsvColumns& columns,
                           std::optional<node::Reason> default_reason);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_CSV_ROWS_H_
