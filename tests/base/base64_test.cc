#include "base/base64.h"

#include <boost/test/unit_test.hpp>

namespace imeisync {
namespace {

BOOST_AUTO_TEST_SUITE(base64)

// RFC 4648 section 10.
BOOST_AUTO_TEST_CASE(rfc4648_test_vectors) {
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    BOOST_TEST(Base64Encode(AsBytes(plain)) == encoded);
    auto back = Base64Decode(encoded);
    BOOST_REQUIRE(back.ok());
    BOOST_TEST(std::string(AsChars(*back)) == plain);
  }
}

BOOST_AUTO_TEST_CASE(round_trips_every_length_and_byte) {
  Bytes data;
  for (int n = 0; n < 300; ++n) {
    auto back = Base64Decode(Base64Encode(data));
    BOOST_REQUIRE(back.ok());
    BOOST_REQUIRE(*back == data);
    data.push_back(static_cast<uint8_t>(n * 37 + 11));
  }
}

BOOST_AUTO_TEST_CASE(rejects_non_canonical_and_foreign_forms) {
  BOOST_TEST(Base64Decode("Zg=").status().message() ==
             "base64 length 3 is not a multiple of 4");
  BOOST_TEST(Base64Decode("Zh==").status().message() ==
             "base64 has non-zero bits under its padding");
  BOOST_TEST(!Base64Decode("Zm9=").ok());  // '9' leaves non-zero bits
  BOOST_TEST(Base64Decode("Z===").status().message().find("position 2") !=
             std::string::npos);
  BOOST_TEST(!Base64Decode("Zg==Zg==").ok());  // padding in the middle
  BOOST_TEST(!Base64Decode("Zm9v\nZm9v").ok());
  BOOST_TEST(Base64Decode("ab-_").status().message() ==
             "base64 character '-' at position 3 is not allowed");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync
