#include "crypto/device_tag.h"

#include <boost/test/unit_test.hpp>

#include "base/file_util.h"
#include "base/hex.h"
#include "crypto/hmac.h"
#include "tests/support/temp_dir.h"

namespace imeisync::crypto {
namespace {

using testing::TempDir;

constexpr char kSaltHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

Salt TestSalt() { return std::move(*Salt::FromHex(kSaltHex)); }

Status WriteSaltFile(const std::string& path, std::string_view contents) {
  return WriteFileAtomic(path, AsBytes(contents), 0600, Overwrite::kYes);
}

BOOST_AUTO_TEST_SUITE(device_tag)

// Expected values computed independently (Python hmac) from the definition
// HMAC-SHA256(salt, "imeisync/tag/v1" || imei14).
BOOST_AUTO_TEST_CASE(known_answers) {
  Salt salt = TestSalt();
  BOOST_TEST(
      HexEncode(SaltedTag(salt, "35209900176148")) ==
      "dc5c741fc168e33d730ac3c348c08b860066e78ebb37ea51db495e1fe6ac4384");
  BOOST_TEST(
      HexEncode(SaltedTag(salt, "49015420323751")) ==
      "8b52149ae51c98941ae9326aa6371ce849de1d6c7e952b64dd01972ce636316b");
}

BOOST_AUTO_TEST_CASE(tagger_matches_the_definition_for_many_imeis) {
  Salt salt = TestSalt();
  Tagger tagger(salt);
  for (int i = 0; i < 200; ++i) {
    char imei[15];
    std::snprintf(imei, sizeof imei, "%08d%06d", 35209900 + i,
                  i * 4919 % 1000000);
    std::string msg = std::string(kTagDomain) + imei;
    BOOST_TEST(tagger.Tag(imei) == HmacSha256(salt.bytes(), AsBytes(msg)));
  }
}

BOOST_AUTO_TEST_CASE(different_salts_give_unrelated_tags) {
  Salt a = TestSalt();
  Hash32 other{};
  other[31] = 1;
  Salt b(other);
  BOOST_TEST(SaltedTag(a, "35209900176148") != SaltedTag(b, "35209900176148"));
}

BOOST_AUTO_TEST_CASE(salt_file_accepts_hex_with_optional_newline) {
  TempDir dir;
  for (std::string suffix : {"", "\n", "\r\n"}) {
    BOOST_TEST_CONTEXT("suffix size " << suffix.size()) {
      BOOST_REQUIRE(WriteSaltFile(dir.File("salt"), kSaltHex + suffix).ok());
      auto salt = Salt::LoadFile(dir.File("salt"));
      BOOST_REQUIRE(salt.ok());
      BOOST_TEST(HexEncode(salt->bytes()) == kSaltHex);
    }
  }
  // Upper-case hex is the same salt.
  std::string upper = kSaltHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  BOOST_REQUIRE(WriteSaltFile(dir.File("salt"), upper).ok());
  BOOST_TEST(HexEncode(Salt::LoadFile(dir.File("salt"))->bytes()) == kSaltHex);
}

BOOST_AUTO_TEST_CASE(malformed_salt_files_are_errors_never_short_keys) {
  TempDir dir;
  const std::string path = dir.File("salt");
  struct Bad {
    std::string contents;
    std::string message_part;
  };
  std::vector<Bad> cases = {
      {"", "found 0"},
      {std::string(kSaltHex).substr(0, 62) + "\n", "found 62"},
      {std::string(kSaltHex) + "00", "found 66"},
      {std::string(kSaltHex) + "\n\n", "found 65"},
      {" " + std::string(kSaltHex).substr(1),
       "' ' at position 1 is not a hex digit"},
      {std::string(kSaltHex).substr(0, 63) + "g", "'g' at position 64"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("contents \"" << c.contents << "\"") {
      BOOST_REQUIRE(WriteSaltFile(path, c.contents).ok());
      auto salt = Salt::LoadFile(path);
      BOOST_TEST(salt.status().code() == StatusCode::kInvalidArgument);
      BOOST_TEST(salt.status().message().find("salt file " + path) == 0u);
      BOOST_TEST(
          salt.status().message().find(c.message_part) != std::string::npos,
          salt.status().message());
    }
  }
  auto missing = Salt::LoadFile(dir.File("absent"));
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(salt_file_contents_round_trip) {
  TempDir dir;
  Salt salt = TestSalt();
  BOOST_REQUIRE(WriteSaltFile(dir.File("s"), salt.ToFileContents()).ok());
  BOOST_TEST(HexEncode(Salt::LoadFile(dir.File("s"))->bytes()) == kSaltHex);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
