// `imeisync imei parse` and the CLI's global flags, run as a user would.
#include <boost/test/unit_test.hpp>

#include "tests/support/run_command.h"

namespace imeisync::cli {
namespace {

using testing::RunCommand;

BOOST_AUTO_TEST_SUITE(cli_imei_parse)

BOOST_AUTO_TEST_CASE(prints_one_json_object_per_imei) {
  auto r = RunCommand({IMEISYNC_CLI, "imei", "parse", "35-209900-176148-1",
                       "4901542032375181"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.err == "");
  BOOST_TEST(r.out ==
             "{\"input\":\"35-209900-176148-1\",\"imei14\":\"35209900176148\","
             "\"imei15\":\"352099001761481\",\"tac\":\"35209900\",\"serial\":"
             "\"176148\"}\n"
             "{\"input\":\"4901542032375181\",\"imei14\":\"49015420323751\","
             "\"imei15\":\"490154203237518\",\"tac\":\"49015420\",\"serial\":"
             "\"323751\"}\n");
}

BOOST_AUTO_TEST_CASE(wrong_check_digit_exits_2_naming_the_expected_digit) {
  auto r = RunCommand({IMEISYNC_CLI, "imei", "parse", "352099001761482"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out == "");
  BOOST_TEST(r.err ==
             "imeisync: invalid IMEI \"352099001761482\": wrong check digit 2; "
             "expected 1\n");
}

BOOST_AUTO_TEST_CASE(valid_imeis_before_the_first_invalid_one_are_printed) {
  auto r = RunCommand({IMEISYNC_CLI, "imei", "parse", "35209900176148", "12345",
                       "49015420323751"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.find("\"imei14\":\"35209900176148\"") != std::string::npos);
  BOOST_TEST(r.out.find("49015420323751") == std::string::npos);
  BOOST_TEST(r.err.find("IMEI has 5 digits") != std::string::npos);
  // One line only.
  BOOST_TEST(r.err.find('\n') == r.err.size() - 1);
}

BOOST_AUTO_TEST_CASE(version_and_help_work) {
  auto v = RunCommand({IMEISYNC_CLI, "--version"});
  BOOST_TEST(v.exit_code == 0);
  BOOST_TEST(v.out.rfind("imeisync ", 0) == 0u);
  auto h = RunCommand({IMEISYNC_CLI, "--help"});
  BOOST_TEST(h.exit_code == 0);
  BOOST_TEST(h.out.find("imei") != std::string::npos);
  BOOST_TEST(h.out.find("tag") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unusable_arguments_exit_2) {
  BOOST_TEST(RunCommand({IMEISYNC_CLI}).exit_code == 2);
  BOOST_TEST(RunCommand({IMEISYNC_CLI, "imei", "parse"}).exit_code == 2);
  BOOST_TEST(RunCommand({IMEISYNC_CLI, "no-such-command"}).exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::cli
