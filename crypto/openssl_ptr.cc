#include "crypto/openssl_ptr.h"

#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>

namespace imeisync::crypto {

std::string TakeOpenSslError() {
  unsigned long code = ERR_get_error();
  std::string out;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out = buf;
  }
  ERR_clear_error();
  return out;
}

void CheckOpenSsl(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "imeisync: fatal: OpenSSL %s failed: %s\n", what,
               TakeOpenSslError().c_str());
  std::abort();
}

}  // namespace imeisync::crypto
