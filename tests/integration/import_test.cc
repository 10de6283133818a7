// Bulk import as an operator or the ministry runs it: large files, bad
// rows in both modes, and a rerun after a crash that appends nothing twice.
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Csv(const std::vector<std::string>& imeis,
                const std::string& header = "imei") {
  std::string out = header + "\n";
  out.reserve(imeis.size() * 17);
  for (const std::string& i : imeis) out += i + "\n";
  return out;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc | std::ios::binary) << text;
}

uint64_t LogSize(TestFederation& fed, const std::string& id) {
  nlohmann::json s = fed.Status(id);
  const std::string origin = "imeisync/kz/" + id;
  if (!s["frontier"].contains(origin)) return 0;
  return s["frontier"][origin]["size"].get<uint64_t>();
}

nlohmann::json Import(TestFederation& fed, const std::vector<std::string>& args,
                      int* exit_code = nullptr, std::string* err = nullptr) {
  std::vector<std::string> argv = {"import", "--config", fed.Config("ministry"),
                                   "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult r = fed.Cli(argv, "", 300);
  if (exit_code) *exit_code = r.exit_code;
  if (err) *err = r.err;
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(r.out);
}

BOOST_AUTO_TEST_SUITE(import)

BOOST_AUTO_TEST_CASE(a_100k_row_registry_imports_once_and_reruns_as_a_no_op) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const std::string file = fed.path() + "/registry.csv";
  WriteText(file, Csv(SequentialImeis(35'000'000'000'000, 100'000)));
  std::string err;
  nlohmann::json j =
      Import(fed, {"--action", "register", "--reason", "registry", file},
             nullptr, &err);
  BOOST_TEST_REQUIRE(!j.is_null(), err);
  BOOST_TEST(j["rows"] == 100'000);
  BOOST_TEST(j["appended"] == 100'000);
  BOOST_TEST(j["checkpoint_size"] == 100'000);
  // Progress went to stderr as plain lines (not a terminal here).
  BOOST_TEST(err.find("import: 100000 rows (100%)") != std::string::npos, err);
  BOOST_TEST(LogSize(fed, "ministry") == 100'000u);
  BOOST_TEST(fed.Status("ministry")["registers"] == 100'000);

  j = Import(fed, {"--action", "register", "--reason", "registry", file});
  BOOST_TEST_REQUIRE(!j.is_null());
  BOOST_TEST(j["appended"] == 0);
  BOOST_TEST(j["already_present"] == 100'000);
  BOOST_TEST(LogSize(fed, "ministry") == 100'000u);
}

BOOST_AUTO_TEST_CASE(per_row_reasons_and_times_and_stdin) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const auto imeis = SequentialImeis(35'000'000'000'000, 3);
  const std::string csv = "IMEI,Reason,Issued_At\r\n" + imeis[0] +
                          ",counterfeit,2026-01-02\r\n" + imeis[1] +
                          ",,1700000000000\r\n\r\n\"" + imeis[2] +
                          "\",duplicate,2026-01-02T03:04:05Z\r\n";
  CommandResult r =
      fed.Cli({"import", "--config", fed.Config("ministry"), "--json",
               "--action", "block", "--reason", "court_order", "-"},
              csv);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(nlohmann::json::parse(r.out)["appended"] == 3);
  r = fed.Cli({"check", "--config", fed.Config("ministry"), "--json", imeis[0],
               imeis[1], imeis[2]});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  std::istringstream lines(r.out);
  std::vector<nlohmann::json> checks;
  for (std::string line; std::getline(lines, line);) {
    checks.push_back(nlohmann::json::parse(line));
  }
  BOOST_TEST_REQUIRE(checks.size() == 3u);
  BOOST_TEST(checks[0]["causes"][0]["reason"] == "COUNTERFEIT");
  BOOST_TEST(checks[0]["causes"][0]["issued_at_ms"] == 1'767'312'000'000);
  BOOST_TEST(checks[1]["causes"][0]["reason"] == "COURT_ORDER");
  BOOST_TEST(checks[1]["causes"][0]["issued_at_ms"] == 1'700'000'000'000);
  BOOST_TEST(checks[2]["causes"][0]["issued_at_ms"] == 1'767'323'045'000);
}

BOOST_AUTO_TEST_CASE(bad_rows_refuse_the_file_or_go_to_a_reject_file) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const auto good = SequentialImeis(35'000'000'000'000, 30);
  std::string csv = "imei,reason\n";
  std::vector<int> bad_lines;
  int line = 1;
  for (size_t i = 0; i < good.size(); ++i) {
    csv += good[i] + ",stolen\n";
    ++line;
    if (i < 25) {  // 25 bad rows of five kinds, between the good ones
      static const char* kBad[] = {
          "3500000000000X,stolen", "35000000000001,stolne", "123,stolen",
          "35000000000001,stolen,extra", "350000000000000,lost"};
      csv += std::string(kBad[i % 5]) + "\n";
      bad_lines.push_back(++line);
    }
  }
  const std::string file = fed.path() + "/reports.csv";
  WriteText(file, csv);

  int code = 0;
  std::string err;
  BOOST_TEST(Import(fed, {"--action", "block", file}, &code, &err).is_null());
  BOOST_TEST(code == 1);
  BOOST_TEST(err.find("25 of 55 rows are invalid; nothing was imported") !=
                 std::string::npos,
             err);
  // The first 20 are listed by line, then a count of the rest.
  for (size_t i = 0; i < bad_lines.size(); ++i) {
    const bool listed = err.find("  line " + std::to_string(bad_lines[i]) +
                                 ": ") != std::string::npos;
    BOOST_TEST(listed == (i < 20), "line " << bad_lines[i]);
  }
  BOOST_TEST(err.find("... and 5 more") != std::string::npos);
  BOOST_TEST(err.find("reason \"stolne\" is unknown") != std::string::npos);
  BOOST_TEST(err.find("3 fields; the header has 2") != std::string::npos);
  BOOST_TEST(err.find("wrong check digit") != std::string::npos);
  BOOST_TEST(LogSize(fed, "ministry") == 0u);

  nlohmann::json j =
      Import(fed, {"--action", "block", "--skip-invalid", file}, &code, &err);
  BOOST_TEST_REQUIRE(!j.is_null(), err);
  BOOST_TEST(j["appended"] == 30);
  BOOST_TEST(j["invalid"] == 25);
  BOOST_TEST(j["rejects"] == file + ".rejects.csv");
  BOOST_TEST(LogSize(fed, "ministry") == 30u);
  std::ifstream rejects(file + ".rejects.csv");
  std::string first;
  std::getline(rejects, first);
  BOOST_TEST(first == "line,error,row");
  for (int bad_line : bad_lines) {
    std::string row;
    BOOST_TEST_REQUIRE(static_cast<bool>(std::getline(rejects, row)));
    BOOST_TEST(row.rfind(std::to_string(bad_line) + ",\"", 0) == 0u, row);
  }
}

BOOST_AUTO_TEST_CASE(a_rerun_after_kill_9_imports_nothing_twice) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const size_t n = 200'000;
  const std::string file = fed.path() + "/registry.csv";
  WriteText(file, Csv(SequentialImeis(35'100'000'000'000, n)));
  std::mt19937_64 rng(TestSeed("a_rerun_after_kill_9_imports_nothing_twice"));
  const auto delay = milliseconds(200 + rng() % 1500);

  int code = -1;
  std::thread importer([&] {
    Import(fed, {"--action", "register", "--reason", "registry", file}, &code);
  });
  std::this_thread::sleep_for(delay);
  fed.Kill9("ministry");
  importer.join();
  BOOST_TEST_MESSAGE("killed after " << delay.count() << " ms; import exit "
                                     << code);
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const uint64_t before = LogSize(fed, "ministry");
  BOOST_TEST(before <= n);

  nlohmann::json j =
      Import(fed, {"--action", "register", "--reason", "registry", file});
  BOOST_TEST_REQUIRE(!j.is_null());
  BOOST_TEST(j["appended"].get<uint64_t>() +
                 j["already_present"].get<uint64_t>() ==
             n);
  BOOST_TEST(j["already_present"].get<uint64_t>() == before);
  BOOST_TEST(LogSize(fed, "ministry") == n);
  BOOST_TEST(fed.Status("ministry")["registers"] == n);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
