#include "node/imei.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace imeisync::node {
namespace {

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '/' || c == '.';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

// Length of the UTF-8 sequence starting at s[i] and its code point; a byte
// that does not start a valid sequence counts as one character of its own.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b < 0x80         ? 1
               : (b >> 5) == 6  ? 2
               : (b >> 4) == 14 ? 3
               : (b >> 3) == 30 ? 4
                                : 0;
  if (len == 0 || i + len > s.size()) {
    *cp = 0xFFFFFFFF;  // not UTF-8
    return 1;
  }
  char32_t v = len == 1 ? b : b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 2) {
      *cp = 0xFFFFFFFF;
      return 1;
    }
    v = (v << 6) | (c & 0x3F);
  }
  *cp = v;
  return len;
}

std::string DescribeCharacter(std::string_view s, size_t i, char32_t cp) {
  char buf[32];
  if (cp == 0xFFFFFFFF) {
    std::snprintf(buf, sizeof buf, "byte 0x%02X",
                  static_cast<unsigned>(static_cast<unsigned char>(s[i])));
  } else if (cp >= 0x21 && cp < 0x7F) {
    std::snprintf(buf, sizeof buf, "character '%c'", static_cast<char>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "character U+%04X",
                  static_cast<unsigned>(cp));
  }
  return buf;
}

}  // namespace

char LuhnCheckDigit(std::string_view digits14) {
  assert(digits14.size() == 14);
  int sum = 0;
  for (size_t k = 0; k < 14; ++k) {
    int d = digits14[13 - k] - '0';
    if (k % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Imei::Imei(std::string_view digits14) {
  std::copy(digits14.begin(), digits14.end(), digits_.begin());
}

std::string Imei::imei15() const {
  std::string out(imei14());
  out += check_digit();
  return out;
}

Result<Imei> Imei::Parse(std::string_view input) {
  size_t begin = 0, end = input.size();
  while (begin < end && IsSpace(input[begin])) ++begin;
  while (end > begin && IsSpace(input[end - 1])) --end;
  if (begin == end) return InvalidArgument("empty IMEI");

  // Room for 16 digits; counting continues past it for the error message.
  char digits[16];
  size_t count = 0;
  // 1-based characters of `input`, as a person counts them; the trimmed
  // prefix is ASCII whitespace, one character per byte.
  size_t position = begin;
  for (size_t i = begin; i < end;) {
    char32_t cp;
    size_t len = DecodeUtf8(input, i, &cp);
    ++position;
    char c = input[i];
    if (len == 1 && c >= '0' && c <= '9') {
      if (count < sizeof digits) digits[count] = c;
      ++count;
    } else if (len != 1 || !IsSeparator(c)) {
      return InvalidArgument(DescribeCharacter(input, i, cp) + " at position " +
                             std::to_string(position) + " is not a digit");
    }
    i += len;
  }
  if (count != 14 && count != 15 && count != 16) {
    return InvalidArgument("IMEI has " + std::to_string(count) +
                           " digits; expected 14, 15 (with check digit) or "
                           "16 (IMEISV)");
  }
  std::string_view core(digits, 14);
  if (count == 15) {
    char expected = LuhnCheckDigit(core);
    if (digits[14] != expected) {
      return InvalidArgument(std::string("wrong check digit ") + digits[14] +
                             "; expected " + expected);
    }
  }
  return Imei(core);
}

}  // namespace imeisync::node
