// Secret-grade random bytes from OpenSSL's DRBG, seeded by the OS.
#ifndef IMEISYNC_CRYPTO_RANDOM_H_
#define IMEISYNC_CRYPTO_RANDOM_H_

#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::crypto {

// Fills `out` for use as key material (RAND_priv_bytes). Returns Internal if
// the generator is not seeded, which on Linux means the kernel cannot supply
// entropy; never returns predictable bytes.
Status RandomBytes(std::span<uint8_t> out);

// A fresh 32-byte secret, e.g. a federation salt.
Result<Hash32> Random32();

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_RANDOM_H_
