#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

namespace imeisync::crypto {
namespace {

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    CheckOpenSsl(m != nullptr, "EVP_MAC_fetch(HMAC)");
    return m;
  }();
  return mac;
}

EvpMacCtxPtr NewKeyedContext(ByteView key) {
  EvpMacCtxPtr ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  CheckOpenSsl(ctx != nullptr, "EVP_MAC_CTX_new");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  // OpenSSL rejects a null key pointer even when the length is zero.
  static const uint8_t kEmpty = 0;
  const uint8_t* k = key.empty() ? &kEmpty : key.data();
  CheckOpenSsl(EVP_MAC_init(ctx.get(), k, key.size(), params) == 1,
               "EVP_MAC_init");
  return ctx;
}

Hash32 Final(EVP_MAC_CTX* ctx) {
  Hash32 out;
  size_t len = 0;
  CheckOpenSsl(EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 &&
                   len == out.size(),
               "EVP_MAC_final");
  return out;
}

}  // namespace

Hash32 HmacSha256(ByteView key, ByteView message) {
  EvpMacCtxPtr ctx = NewKeyedContext(key);
  CheckOpenSsl(EVP_MAC_update(ctx.get(), message.data(), message.size()) == 1,
               "EVP_MAC_update");
  return Final(ctx.get());
}

HmacSha256Hasher::HmacSha256Hasher(ByteView key) : ctx_(NewKeyedContext(key)) {}

HmacSha256Hasher& HmacSha256Hasher::Update(ByteView data) {
  CheckOpenSsl(EVP_MAC_update(ctx_.get(), data.data(), data.size()) == 1,
               "EVP_MAC_update");
  return *this;
}

Hash32 HmacSha256Hasher::Finish() {
  Hash32 out = Final(ctx_.get());
  // A null key reuses the one already set: HMAC restarts from its saved
  // inner and outer pad states (EVP_MAC_init(3)).
  CheckOpenSsl(EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) == 1,
               "EVP_MAC_init(reuse key)");
  return out;
}

}  // namespace imeisync::crypto
