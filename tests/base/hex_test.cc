#include "base/hex.h"

#include <boost/test/unit_test.hpp>

namespace imeisync {
namespace {

BOOST_AUTO_TEST_SUITE(hex)

BOOST_AUTO_TEST_CASE(round_trips_every_byte_value) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  std::string hex = HexEncode(all);
  BOOST_TEST(hex.substr(0, 8) == "00010203");
  BOOST_TEST(hex.substr(hex.size() - 4) == "feff");
  auto back = HexDecode(hex);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(*back == all);
}

BOOST_AUTO_TEST_CASE(accepts_upper_case) {
  auto b = HexDecode("ABcd");
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(HexEncode(*b) == "abcd");
}

BOOST_AUTO_TEST_CASE(rejects_a_non_hex_character_naming_its_position) {
  auto b = HexDecode("00g0");
  BOOST_TEST(!b.ok());
  BOOST_TEST(b.status().message() == "'g' at position 3 is not a hex digit");
}

BOOST_AUTO_TEST_CASE(rejects_odd_length) {
  auto b = HexDecode("abc");
  BOOST_TEST(!b.ok());
  BOOST_TEST(b.status().message() == "odd number of hex digits (3)");
}

BOOST_AUTO_TEST_CASE(decode32_requires_exactly_64_digits) {
  BOOST_TEST(HexDecode32(std::string(64, 'a')).ok());
  auto short_one = HexDecode32(std::string(62, 'a'));
  BOOST_TEST(!short_one.ok());
  BOOST_TEST(short_one.status().message() ==
             "expected 64 hex digits (32 bytes), got 62");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync
