#include "node/imei.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "tests/support/test_seed.h"

namespace imeisync::node {
namespace {

std::string ParseError(std::string_view input) {
  auto r = Imei::Parse(input);
  BOOST_TEST_REQUIRE(!r.ok(), "expected a rejection");
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

BOOST_AUTO_TEST_SUITE(imei)

BOOST_AUTO_TEST_CASE(luhn_examples_from_the_design) {
  BOOST_TEST(LuhnCheckDigit("35209900176148") == '1');
  BOOST_TEST(LuhnCheckDigit("49015420323751") == '8');
}

BOOST_AUTO_TEST_CASE(accepts_14_digits) {
  auto i = Imei::Parse("35209900176148");
  BOOST_REQUIRE(i.ok());
  BOOST_TEST(i->imei14() == "35209900176148");
  BOOST_TEST(i->imei15() == "352099001761481");
  BOOST_TEST(i->tac() == "35209900");
  BOOST_TEST(i->serial() == "176148");
  BOOST_TEST(i->check_digit() == '1');
}

BOOST_AUTO_TEST_CASE(accepts_15_digits_with_right_check_digit) {
  auto i = Imei::Parse("490154203237518");
  BOOST_REQUIRE(i.ok());
  BOOST_TEST(i->imei14() == "49015420323751");
}

BOOST_AUTO_TEST_CASE(accepts_16_digit_imeisv_dropping_the_svn) {
  auto i = Imei::Parse("3520990017614823");
  BOOST_REQUIRE(i.ok());
  BOOST_TEST(i->imei14() == "35209900176148");
  BOOST_TEST(i->imei15() == "352099001761481");
}

BOOST_AUTO_TEST_CASE(ignores_separators_and_surrounding_whitespace) {
  for (const char* in :
       {"35-209900-176148-1", "35 209900 176148 1", "35/209900/176148/1",
        "35.209900.176148.1", "  352099001761481\n", "\t35-209900-176148\r\n",
        "35209900-176148-23"}) {
    BOOST_TEST_CONTEXT(in) {
      auto i = Imei::Parse(in);
      BOOST_REQUIRE(i.ok());
      BOOST_TEST(i->imei14() == "35209900176148");
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_empty_input) {
  BOOST_TEST(ParseError("") == "empty IMEI");
  BOOST_TEST(ParseError("  \t\n") == "empty IMEI");
}

BOOST_AUTO_TEST_CASE(rejects_bad_lengths_with_the_count) {
  BOOST_TEST(
      ParseError("3520990017614") ==
      "IMEI has 13 digits; expected 14, 15 (with check digit) or 16 (IMEISV)");
  BOOST_TEST(ParseError("35209900176148231").find("has 17 digits") !=
             std::string::npos);
  BOOST_TEST(ParseError("---").find("has 0 digits") != std::string::npos);
  BOOST_TEST(ParseError(std::string(1000, '1')).find("has 1000 digits") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_a_non_digit_naming_it_and_its_position) {
  BOOST_TEST(ParseError("35209900x76148") ==
             "character 'x' at position 9 is not a digit");
  BOOST_TEST(ParseError("35209900_76148") ==
             "character '_' at position 9 is not a digit");
  // Positions count the input as given, leading whitespace included.
  BOOST_TEST(ParseError("  3520990017614A") ==
             "character 'A' at position 16 is not a digit");
  // Interior whitespace other than space is not a separator.
  BOOST_TEST(ParseError("3520990\t0176148") ==
             "character U+0009 at position 8 is not a digit");
}

BOOST_AUTO_TEST_CASE(rejects_unicode_digits) {
  // FULLWIDTH DIGIT THREE, then ARABIC-INDIC DIGIT ONE, then a lone byte.
  BOOST_TEST(ParseError("\xEF\xBC\x93"
                        "5209900176148") ==
             "character U+FF13 at position 1 is not a digit");
  BOOST_TEST(ParseError("3520990017614\xD9\xA1") ==
             "character U+0661 at position 14 is not a digit");
  BOOST_TEST(ParseError("35209900176148\xFF") ==
             "byte 0xFF at position 15 is not a digit");
}

BOOST_AUTO_TEST_CASE(rejects_a_wrong_check_digit_naming_the_expected_one) {
  BOOST_TEST(ParseError("352099001761482") ==
             "wrong check digit 2; expected 1");
  BOOST_TEST(ParseError("490154203237510") ==
             "wrong check digit 0; expected 8");
}

BOOST_AUTO_TEST_CASE(errors_never_repeat_the_imei) {
  // Messages may reach logs; an IMEI is personal data.
  BOOST_TEST(ParseError("352099001761482").find("35209900176148") ==
             std::string::npos);
}

// Property: any 14 digits with their check digit, in any accepted form,
// parse back to the same core.
BOOST_AUTO_TEST_CASE(random_valid_imeis_round_trip) {
  std::mt19937_64 rng(testing::TestSeed("random_valid_imeis_round_trip"));
  std::uniform_int_distribution<int> digit(0, 9);
  const char separators[] = {' ', '-', '/', '.'};
  for (int n = 0; n < 1000; ++n) {
    std::string core;
    for (int k = 0; k < 14; ++k) core += static_cast<char>('0' + digit(rng));
    std::string imei15 = core + LuhnCheckDigit(core);
    std::string imeisv = core + static_cast<char>('0' + digit(rng)) +
                         static_cast<char>('0' + digit(rng));
    std::string spaced;
    for (char c : imei15) {
      spaced += c;
      if (digit(rng) < 2) spaced += separators[digit(rng) % 4];
    }
    for (const std::string& form : {core, imei15, imeisv, spaced}) {
      auto i = Imei::Parse(form);
      BOOST_REQUIRE_MESSAGE(i.ok(), form << ": " << i.status().message());
      BOOST_REQUIRE_EQUAL(i->imei14(), core);
      BOOST_REQUIRE_EQUAL(i->imei15(), imei15);
      BOOST_REQUIRE_EQUAL(std::string(i->tac()) + std::string(i->serial()),
                          core);
    }
    // Every wrong check digit is refused.
    char wrong =
        static_cast<char>('0' + (imei15[14] - '0' + 1 + digit(rng) % 9) % 10);
    BOOST_REQUIRE(!Imei::Parse(core + wrong).ok());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node
