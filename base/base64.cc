#include "base/base64.h"

namespace imeisync {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(ByteView b) {
  std::string out;
  out.reserve((b.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= b.size(); i += 3) {
    uint32_t v = uint32_t{b[i]} << 16 | uint32_t{b[i + 1]} << 8 | b[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (b.size() - i == 1) {
    uint32_t v = uint32_t{b[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (b.size() - i == 2) {
    uint32_t v = uint32_t{b[i]} << 16 | uint32_t{b[i + 1]} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<Bytes> Base64Decode(std::string_view t) {
  if (t.size() % 4 != 0) {
    return InvalidArgument("base64 length " + std::to_string(t.size()) +
                           " is not a multiple of 4");
  }
  size_t pad = 0;
  if (!t.empty() && t.back() == '=')
    pad = t.size() >= 2 && t[t.size() - 2] == '=' ? 2 : 1;
  Bytes out;
  out.reserve(t.size() / 4 * 3);
  for (size_t i = 0; i < t.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const size_t at = i + k;
      const bool padding = at >= t.size() - pad;
      int d = padding ? (t[at] == '=' ? 0 : -1) : Value(t[at]);
      if (d < 0) {
        return InvalidArgument("base64 character '" + std::string(1, t[at]) +
                               "' at position " + std::to_string(at + 1) +
                               " is not allowed");
      }
      v = v << 6 | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<uint8_t>(v >> 16));
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  }
  if (pad > 0) {
    // The first byte dropped with the padding holds the unused low bits of
    // the last data character: they must be zero (the canonical form).
    if (out[out.size() - pad] != 0) {
      return InvalidArgument("base64 has non-zero bits under its padding");
    }
    out.resize(out.size() - pad);
  }
  return out;
}

}  // namespace imeisync
