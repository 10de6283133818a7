// Big-endian integers, as every hashed or stored layout in docs/formats.md
// writes them.
#ifndef IMEISYNC_BASE_BIG_ENDIAN_H_
#define IMEISYNC_BASE_BIG_ENDIAN_H_

#include <cstdint>

#include "base/bytes.h"

namespace imeisync {

// Appends `v` as 8 bytes, most significant first.
inline void AppendU64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<uint8_t>(v >> (56 - 8 * i)));
}

// Writes `v` as 8 bytes at `out`. REQUIRES: out has room for 8 bytes.
inline void StoreU64(uint8_t* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

// Reads 8 bytes, most significant first. REQUIRES: b.size() >= 8.
inline uint64_t LoadU64(ByteView b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | b[i];
  return v;
}

}  // namespace imeisync

#endif  // IMEISYNC_BASE_BIG_ENDIAN_H_
