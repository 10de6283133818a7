#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>

#include "crypto/openssl_ptr.h"

namespace imeisync::crypto {

Status RandomBytes(std::span<uint8_t> out) {
  while (!out.empty()) {
    size_t n = std::min<size_t>(out.size(), INT_MAX);
    if (RAND_priv_bytes(out.data(), static_cast<int>(n)) != 1) {
      return Internal("random generator failed: " + TakeOpenSslError());
    }
    out = out.subspan(n);
  }
  return Status::Ok();
}

Result<Hash32> Random32() {
  Hash32 out;
  IMEISYNC_RETURN_IF_ERROR(RandomBytes(out));
  return out;
}

}  // namespace imeisync::crypto
