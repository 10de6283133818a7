// Byte containers shared by every layer.
#ifndef IMEISYNC_BASE_BYTES_H_
#define IMEISYNC_BASE_BYTES_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace imeisync {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// A SHA-256 output, device tag, or any other 32-byte hash.
using Hash32 = std::array<uint8_t, 32>;

// Views the bytes of a string without copying. The view dies with `s`.
inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Views bytes as chars without copying. The view dies with `b`.
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace imeisync

#endif  // IMEISYNC_BASE_BYTES_H_
