// `imeisync federation init` and `add-member`, as a ministry engineer runs
// them.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace imeisync::cli {
namespace {

using testing::RunCommand;
using testing::TempDir;

BOOST_AUTO_TEST_SUITE(cli_federation)

BOOST_AUTO_TEST_CASE(init_then_add_members) {
  TempDir tmp;
  const std::string fed = tmp.File("fed");
  auto init = RunCommand({IMEISYNC_CLI, "federation", "init", "--id", "kz",
                          "--dir", fed, "--json"});
  BOOST_TEST_REQUIRE(init.exit_code == 0, init.err);
  BOOST_TEST(init.out == "{\"federation\":\"kz\",\"dir\":\"" + fed +
                             "\",\"mode\":\"salted\",\"bundle_version\":1}\n");
  auto add =
      RunCommand({IMEISYNC_CLI, "federation", "add-member", "--dir", fed,
                  "--id", "beeline", "--role", "operator", "--endpoint",
                  "127.0.0.1:7002", "--out", tmp.File("beeline"), "--json"});
  BOOST_TEST_REQUIRE(add.exit_code == 0, add.err);
  BOOST_TEST(add.out.find("\"bundle_version\":2") != std::string::npos);
  BOOST_TEST(std::filesystem::exists(tmp.File("beeline") + "/node.toml"));
  // The secret never appears in what the command prints.
  BOOST_TEST(add.out.find("PRIVATE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(mistakes_exit_2_with_one_line) {
  TempDir tmp;
  const std::string fed = tmp.File("fed");
  BOOST_REQUIRE(RunCommand({IMEISYNC_CLI, "federation", "init", "--id", "kz",
                            "--dir", fed})
                    .exit_code == 0);
  auto again = RunCommand(
      {IMEISYNC_CLI, "federation", "init", "--id", "kz", "--dir", fed});
  BOOST_TEST(again.exit_code == 2);
  BOOST_TEST(again.err.find("is not empty; refusing to overwrite keys") !=
             std::string::npos);
  auto role =
      RunCommand({IMEISYNC_CLI, "federation", "add-member", "--dir", fed,
                  "--id", "x", "--role", "admin", "--out", tmp.File("x")});
  BOOST_TEST(role.exit_code == 2);
  BOOST_TEST(role.err ==
             "imeisync: federation add-member: --role must be ministry, "
             "operator, auditor or foreign\n");
  auto missing = RunCommand({IMEISYNC_CLI, "federation", "add-member", "--dir",
                             tmp.File("nope"), "--id", "x", "--role",
                             "operator", "--out", tmp.File("x")});
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(missing.err.find("cannot open " + tmp.File("nope") +
                              "/bundle.toml") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::cli
