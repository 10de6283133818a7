// `imeisync tag`, checked against OpenSSL's own command-line HMAC.
#include <boost/test/unit_test.hpp>

#include "base/file_util.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace imeisync::cli {
namespace {

using testing::RunCommand;
using testing::TempDir;

constexpr char kSalt[] =
    "8f2b7c1d9e0a4b3c6d5e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4";

std::string WriteSalt(const TempDir& dir, const std::string& contents) {
  std::string path = dir.File("salt");
  BOOST_REQUIRE(
      WriteFileAtomic(path, AsBytes(contents), 0600, Overwrite::kYes).ok());
  return path;
}

// What `openssl dgst -sha256 -mac HMAC -macopt hexkey:<salt>` prints for the
// tag message of `imei14`, as bare hex.
std::string OpensslTag(const std::string& imei14) {
  auto r = RunCommand(
      {"/bin/sh", "-c",
       std::string("printf '%s' 'imeisync/tag/v1") + imei14 +
           "' | openssl dgst -sha256 -mac HMAC -macopt hexkey:" + kSalt +
           " -r"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return r.out.substr(0, 64);
}

BOOST_AUTO_TEST_SUITE(cli_tag)

BOOST_AUTO_TEST_CASE(tags_equal_openssl_hmac_over_the_same_message) {
  TempDir dir;
  std::string salt = WriteSalt(dir, std::string(kSalt) + "\n");
  auto r =
      RunCommand({IMEISYNC_CLI, "tag", "--salt-file", salt, "352099001761481",
                  "49015420323751", "35 209900 176148 23"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  std::string a = OpensslTag("35209900176148");
  std::string b = OpensslTag("49015420323751");
  BOOST_TEST(r.out ==
             "{\"imei14\":\"35209900176148\",\"tag\":\"" + a + "\"}\n" +
                 "{\"imei14\":\"49015420323751\",\"tag\":\"" + b + "\"}\n" +
                 "{\"imei14\":\"35209900176148\",\"tag\":\"" + a + "\"}\n");
}

BOOST_AUTO_TEST_CASE(a_malformed_salt_file_is_a_clear_error) {
  TempDir dir;
  std::string salt = WriteSalt(dir, std::string(kSalt).substr(0, 40) + "\n");
  auto r =
      RunCommand({IMEISYNC_CLI, "tag", "--salt-file", salt, "35209900176148"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out == "");
  BOOST_TEST(r.err ==
             "imeisync: tag: salt file " + salt +
                 ": salt must be 64 hex characters (32 bytes), found 40\n");
  // The salt never appears in the error output.
  BOOST_TEST(r.err.find(std::string(kSalt).substr(0, 16)) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_salt_file_is_a_clear_error) {
  TempDir dir;
  auto r = RunCommand(
      {IMEISYNC_CLI, "tag", "--salt-file", dir.File("nope"), "35209900176148"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("cannot open " + dir.File("nope")) !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_invalid_imei_stops_after_the_valid_ones) {
  TempDir dir;
  std::string salt = WriteSalt(dir, kSalt);
  auto r = RunCommand({IMEISYNC_CLI, "tag", "--salt-file", salt,
                       "35209900176148", "35209900176148x"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.find("35209900176148") != std::string::npos);
  BOOST_TEST(r.err.find("character 'x' at position 15 is not a digit") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::cli
