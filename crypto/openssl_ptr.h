// unique_ptr owners for OpenSSL handles, and the failure path for OpenSSL
// calls that fail only when the library itself is broken or out of memory.
#ifndef IMEISYNC_CRYPTO_OPENSSL_PTR_H_
#define IMEISYNC_CRYPTO_OPENSSL_PTR_H_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace imeisync::crypto {

template <auto Fn>
struct Free {
  template <class T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX_free>>;
using EvpMacPtr = std::unique_ptr<EVP_MAC, Free<EVP_MAC_free>>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Free<EVP_MAC_CTX_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Free<BN_CTX_free>>;
using BnMontCtxPtr = std::unique_ptr<BN_MONT_CTX, Free<BN_MONT_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Free<EC_GROUP_free>>;
// Points may be secret (a hashed IMEI): clear_free wipes the coordinates.
using EcPointPtr = std::unique_ptr<EC_POINT, Free<EC_POINT_clear_free>>;

// The oldest queued OpenSSL error as text ("" when the queue is empty); clears
// the queue so stale errors never leak into a later message.
std::string TakeOpenSslError();

// Aborts the process with `what` and the OpenSSL error queue when `ok` is
// false. Only for calls whose failure means memory exhaustion or a broken
// library, never for anything input can cause.
void CheckOpenSsl(bool ok, const char* what);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_OPENSSL_PTR_H_
