// The import CSV grammar (cli/csv_rows.h) and the CLI's dates (cli/dates.h).
#include "cli/csv_rows.h"

#include <boost/test/unit_test.hpp>

#include "cli/dates.h"

namespace imeisync::cli {
namespace {

using node::Reason;

BOOST_AUTO_TEST_SUITE(csv_header)

BOOST_AUTO_TEST_CASE(columns_in_any_order_and_case) {
  auto c = ParseCsvHeader("Issued_At, IMEI ,reason\r");
  BOOST_TEST_REQUIRE(c.ok(), c.status().ToString());
  BOOST_TEST(c->imei == 1);
  BOOST_TEST(c->reason == 2);
  BOOST_TEST(c->issued_at == 0);
  BOOST_TEST(c->count == 3);
  auto only = ParseCsvHeader("\xEF\xBB\xBFimei");  // with a byte order mark
  BOOST_TEST_REQUIRE(only.ok());
  BOOST_TEST(only->reason == -1);
  BOOST_TEST(only->issued_at == -1);
}

BOOST_AUTO_TEST_CASE(unknown_repeated_or_missing_columns_are_named) {
  struct Case {
    const char* header;
    const char* says;
  };
  for (const Case& c :
       {Case{"imei,colour", "column 2 \"colour\""},
        Case{"imei,IMEI", "names column imei twice"},
        Case{"reason,issued_at", "no imei column"}, Case{"", "is not imei"}}) {
    auto h = ParseCsvHeader(c.header);
    BOOST_TEST_REQUIRE(!h.ok(), c.header);
    BOOST_TEST((h.status().code() == StatusCode::kInvalidArgument));
    BOOST_TEST(h.status().message().find(c.says) != std::string::npos,
               h.status().message());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(csv_row)

const CsvColumns kAll = *ParseCsvHeader("imei,reason,issued_at");

BOOST_AUTO_TEST_CASE(a_row_normalises_its_imei_and_reads_reason_and_time) {
  auto r = ParseCsvRow("35-209900-176148-1,Lost,2026-01-02T03:04:05Z", kAll,
                       Reason::kStolen);
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r->imei == "352099001761481");
  BOOST_TEST((r->reason == Reason::kLost));
  BOOST_TEST(r->issued_at_ms == 1'767'323'045'000u);
  // Empty fields take the defaults; quotes and CRLF are accepted.
  r = ParseCsvRow("\"35209900176148\",,\r", kAll, Reason::kStolen);
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r->imei == "352099001761481");
  BOOST_TEST((r->reason == Reason::kStolen));
  BOOST_TEST(r->issued_at_ms == 0u);
}

BOOST_AUTO_TEST_CASE(bad_rows_say_what_is_wrong_without_the_imei) {
  struct Case {
    const char* row;
    const char* says;
  };
  for (const Case& c : {
           Case{"352099001761482,stolen,",
                "imei: wrong check digit 2; expected 1"},
           Case{"352099001761481,stolen", "2 fields; the header has 3"},
           Case{"352099001761481,stolne,", "reason \"stolne\" is unknown"},
           Case{"352099001761481,,2026-02-30",
                "issued_at: date \"2026-02-30\""},
           Case{"352099001761481,,yesterday", "issued_at:"},
           Case{"3520990017614x1,lost,", "imei: character 'x' at position 14"},
       }) {
    auto r = ParseCsvRow(c.row, kAll, Reason::kStolen);
    BOOST_TEST_REQUIRE(!r.ok(), c.row);
    BOOST_TEST(r.status().message().find(c.says) != std::string::npos,
               r.status().message());
    BOOST_TEST(r.status().message().find("35209900176") == std::string::npos,
               r.status().message());
  }
}

BOOST_AUTO_TEST_CASE(a_row_without_any_reason_is_refused) {
  const CsvColumns imei_only = *ParseCsvHeader("imei");
  auto r = ParseCsvRow("352099001761481", imei_only, std::nullopt);
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("no reason") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dates)

BOOST_AUTO_TEST_CASE(days_and_times_are_utc_and_calendar_checked) {
  BOOST_TEST(*ParseDay("1970-01-01") == 0u);
  BOOST_TEST(*ParseDay("2000-03-01") == 11'017u);
  BOOST_TEST(*ParseDay("2024-02-29") == 19'782u);
  for (const char* bad :
       {"2023-02-29", "2026-13-01", "2026-04-31", "1969-12-31", "2026-1-01",
        "26-01-01", "2026/01/01", "2026-01-0x"}) {
    BOOST_TEST(!ParseDay(bad).ok(), bad);
  }
  BOOST_TEST(*ParseTimeMs("0") == 0u);
  BOOST_TEST(*ParseTimeMs("1700000000000") == 1'700'000'000'000u);
  BOOST_TEST(*ParseTimeMs("2026-11-28") == 1'795'824'000'000u);
  BOOST_TEST(*ParseTimeMs("1970-01-01T00:00:01Z") == 1'000u);
  for (const char* bad :
       {"", "-5", "2026-11-28T24:00:00Z", "2026-11-28T10:00:00",
        "99999999999999999999", "2026-11-28 10:00:00Z"}) {
    BOOST_TEST(!ParseTimeMs(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::cli
