// Ed25519 (RFC 8032) keys: generation, PEM files, signing and verification.
//
// Private keys are PKCS#8 PEM, public keys SubjectPublicKeyInfo PEM: the
// forms `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` use.
#ifndef IMEISYNC_CRYPTO_ED25519_H_
#define IMEISYNC_CRYPTO_ED25519_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/openssl_ptr.h"

namespace imeisync::crypto {

inline constexpr size_t kEd25519KeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureSize>;

// An immutable public key. Copies share one OpenSSL handle; Verify() may be
// called from several threads at once.
class Ed25519PublicKey {
 public:
  // Returns InvalidArgument unless `raw` is 32 bytes.
  static Result<Ed25519PublicKey> FromRaw(ByteView raw);
  // Returns InvalidArgument if `pem` holds no public key or not an Ed25519 one.
  static Result<Ed25519PublicKey> FromPem(std::string_view pem);
  // FromPem() of a file; errors name the path.
  static Result<Ed25519PublicKey> LoadPem(const std::string& path);

  const std::array<uint8_t, kEd25519KeySize>& raw() const { return raw_; }
  std::string ToPem() const;
  // Writes ToPem() with mode 0644. Never overwrites: AlreadyExists if `path`
  // exists.
  Status SavePem(const std::string& path) const;

  // OK if `signature` is this key's signature over `message`. Otherwise
  // InvalidArgument: "signature is N bytes, expected 64" or "Ed25519
  // signature does not verify".
  Status Verify(ByteView message, ByteView signature) const;

 private:
  Ed25519PublicKey(std::shared_ptr<EVP_PKEY> pkey,
                   std::array<uint8_t, kEd25519KeySize> raw)
      : pkey_(std::move(pkey)), raw_(raw) {}
  friend class Ed25519PrivateKey;
  static Result<Ed25519PublicKey> FromPkey(EvpPkeyPtr pkey);

  std::shared_ptr<EVP_PKEY> pkey_;
  std::array<uint8_t, kEd25519KeySize> raw_;
};

// A private key. Move-only, so a secret has one owner; OpenSSL wipes the key
// material when the handle is freed.
class Ed25519PrivateKey {
 public:
  // A fresh key from the OS random source.
  static Result<Ed25519PrivateKey> Generate();
  // The key whose RFC 8032 32-byte secret is `seed` (for known-answer tests
  // and deterministic derivation). InvalidArgument unless 32 bytes.
  static Result<Ed25519PrivateKey> FromSeed(ByteView seed);
  // Returns InvalidArgument if `pem` holds no private key, an encrypted one
  // or one that is not Ed25519.
  static Result<Ed25519PrivateKey> FromPem(std::string_view pem);
  // FromPem() of a file. Refuses (FailedPrecondition) a file that group or
  // others may read or write, as ssh does: such a key must be presumed
  // leaked, and silently using it would hide that.
  static Result<Ed25519PrivateKey> LoadPem(const std::string& path);

  Ed25519PrivateKey(Ed25519PrivateKey&&) = default;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) = default;

  // Writes the PKCS#8 PEM with mode 0600, crash-safely. Never overwrites a
  // key: AlreadyExists if `path` exists.
  Status SavePem(const std::string& path) const;

  Ed25519Signature Sign(ByteView message) const;
  const Ed25519PublicKey& public_key() const { return public_key_; }
  // Another handle on the same key, without reading or copying the secret:
  // both sign alike and may be used from different threads at once.
  Ed25519PrivateKey Share() const;

 private:
  Ed25519PrivateKey(EvpPkeyPtr pkey, Ed25519PublicKey pub)
      : pkey_(std::move(pkey)), public_key_(std::move(pub)) {}
  static Result<Ed25519PrivateKey> FromPkey(EvpPkeyPtr pkey);

  EvpPkeyPtr pkey_;
  Ed25519PublicKey public_key_;
};

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_ED25519_H_
