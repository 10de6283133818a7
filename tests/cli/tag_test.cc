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

// RFC 9497 appendix A.3.2's VOPRF test key (skSm of the mode 1 vectors).
constexpr char kVoprfTestKey[] =
    "ca5d94c8807817669a51b196c34c1b7f8442fde4334a7121ae4736364312fca6";

BOOST_AUTO_TEST_CASE(oprf_tags_match_an_independent_implementation) {
  TempDir dir;
  const std::string key = dir.File("oprf.key");
  BOOST_REQUIRE(WriteFileAtomic(key, AsBytes(std::string(kVoprfTestKey) + "\n"),
                                0600, Overwrite::kYes)
                    .ok());
  // The expected tag was computed by a separate Python implementation of
  // RFC 9497 that reproduces the RFC's own P256-SHA256 vectors.
  auto r = RunCommand({IMEISYNC_CLI, "tag", "--oprf-key", key,
                       "35-209900-176148-1", "35209900176148"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const std::string line =
      "{\"imei14\":\"35209900176148\",\"tag\":"
      "\"b756f88cd15e595c89921f9f61224a9f0c5c528bd1f3b108f27d3646b0bb67bd\"}\n";
  BOOST_TEST(r.out == line + line);

  // Exactly one of --salt-file and --oprf-key; a key file must be a key.
  r = RunCommand({IMEISYNC_CLI, "tag", "35209900176148"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("exactly one of --salt-file") != std::string::npos,
             r.err);
  r = RunCommand({IMEISYNC_CLI, "tag", "--oprf-key", key, "--salt-file", key,
                  "35209900176148"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_REQUIRE(WriteFileAtomic(key, AsBytes(std::string(64, '0') + "\n"), 0600,
                                Overwrite::kYes)
                    .ok());
  r = RunCommand({IMEISYNC_CLI, "tag", "--oprf-key", key, "35209900176148"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("OPRF key file") != std::string::npos, r.err);
  BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::cli
