// IMEI identity: parsing and normalising an IMEI to its 14-digit core.
//
// Accepted forms, after trimming surrounding whitespace and dropping the
// separators ' ', '-', '/' and '.' anywhere:
//   14 digits  TAC (8) + serial (6)
//   15 digits  TAC + serial + Luhn check digit, which must be right
//   16 digits  IMEISV: TAC + serial + 2-digit SVN, the SVN dropped
// Anything else is InvalidArgument saying why. Error messages never repeat
// the input, so they are safe to log.
#ifndef IMEISYNC_NODE_IMEI_H_
#define IMEISYNC_NODE_IMEI_H_

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"

namespace imeisync::node {

// Luhn check digit ('0'..'9') of 14 ASCII digits: from the right, the 1st,
// 3rd, 5th... digits are doubled (9 taken off a result over 9) and all are
// summed; the digit is (10 - sum mod 10) mod 10.
// REQUIRES: digits14 is 14 ASCII digits.
char LuhnCheckDigit(std::string_view digits14);

class Imei {
 public:
  // Parses any accepted form. On error the message says which rule failed:
  //   "empty IMEI"
  //   "character 'x' at position 5 is not a digit" (1-based, counting
  //     characters of the input as given; non-ASCII shown as U+XXXX)
  //   "IMEI has 13 digits; expected 14, 15 (with check digit) or 16 (IMEISV)"
  //   "wrong check digit 2; expected 1"
  static Result<Imei> Parse(std::string_view input);

  // The 14-digit core, TAC + serial: the identity that tags are made from.
  std::string_view imei14() const { return {digits_.data(), 14}; }
  // imei14() plus its Luhn check digit.
  std::string imei15() const;
  std::string_view tac() const { return {digits_.data(), 8}; }
  std::string_view serial() const { return {digits_.data() + 8, 6}; }
  char check_digit() const { return LuhnCheckDigit(imei14()); }

  friend bool operator==(const Imei&, const Imei&) = default;

 private:
  explicit Imei(std::string_view digits14);
  std::array<char, 14> digits_;
};

}  // namespace imeisync::node

#endif  // IMEISYNC_NODE_IMEI_H_
