#include "base/hex.h"

#include <algorithm>

namespace imeisync {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Printable(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("byte 0x") + kDigits[u >> 4] + kDigits[u & 15];
}

}  // namespace

std::string HexEncode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view hex) {
  for (size_t i = 0; i < hex.size(); ++i) {
    if (HexValue(hex[i]) < 0) {
      return InvalidArgument(Printable(hex[i]) + " at position " +
                             std::to_string(i + 1) + " is not a hex digit");
    }
  }
  if (hex.size() % 2 != 0) {
    return InvalidArgument("odd number of hex digits (" +
                           std::to_string(hex.size()) + ")");
  }
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(HexValue(hex[2 * i]) << 4 |
                                  HexValue(hex[2 * i + 1]));
  }
  return out;
}

Result<Hash32> HexDecode32(std::string_view hex) {
  if (hex.size() != 64) {
    return InvalidArgument("expected 64 hex digits (32 bytes), got " +
                           std::to_string(hex.size()));
  }
  IMEISYNC_ASSIGN_OR_RETURN(Bytes bytes, HexDecode(hex));
  Hash32 out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace imeisync
