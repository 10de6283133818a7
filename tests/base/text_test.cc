#include "base/text.h"

#include <boost/test/unit_test.hpp>

namespace imeisync {
namespace {

using Lines = std::vector<std::string_view>;

BOOST_AUTO_TEST_SUITE(split_lines)

BOOST_AUTO_TEST_CASE(splits_newline_terminated_lines_keeping_empty_ones) {
  auto lines = SplitLines("a\n\nbc\n");
  BOOST_REQUIRE(lines.has_value());
  BOOST_TEST((*lines == Lines{"a", "", "bc"}));
}

BOOST_AUTO_TEST_CASE(empty_text_has_no_lines) {
  auto lines = SplitLines("");
  BOOST_REQUIRE(lines.has_value());
  BOOST_TEST(lines->empty());
}

BOOST_AUTO_TEST_CASE(rejects_a_last_line_without_newline) {
  BOOST_TEST(!SplitLines("a\nb").has_value());
  BOOST_TEST(!SplitLines("a").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parse_decimal)

BOOST_AUTO_TEST_CASE(accepts_zero_and_the_largest_uint64) {
  BOOST_TEST(ParseDecimal("0").value_or(1) == 0u);
  BOOST_TEST(ParseDecimal("42").value_or(0) == 42u);
  BOOST_TEST(ParseDecimal("18446744073709551615").value_or(0) == UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(rejects_overflow) {
  BOOST_TEST(!ParseDecimal("18446744073709551616").has_value());
  BOOST_TEST(!ParseDecimal("99999999999999999999999").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_leading_zeros) {
  BOOST_TEST(!ParseDecimal("00").has_value());
  BOOST_TEST(!ParseDecimal("07").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_empty) {
  BOOST_TEST(!ParseDecimal("").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_non_digits_signs_and_spaces) {
  for (std::string_view s :
       {"12a", "a12", "-1", "+1", " 1", "1 ", "1.0", "0x10", "\xd9\xa1"}) {
    BOOST_TEST(!ParseDecimal(s).has_value(), "accepted \"" << s << "\"");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync
