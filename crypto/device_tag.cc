#include "crypto/device_tag.h"

#include <openssl/crypto.h>

#include <cassert>

#include "base/hex.h"
#include "crypto/secret_hex.h"

namespace imeisync::crypto {
namespace {

[[maybe_unused]] bool IsImei14(std::string_view s) {
  if (s.size() != 14) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<Salt> Salt::FromHex(std::string_view hex) {
  auto raw = ParseSecretHex32(hex, "salt");
  if (!raw.ok()) return raw.status();
  Salt salt(*raw);
  OPENSSL_cleanse(raw->data(), raw->size());
  return salt;
}

Result<Salt> Salt::LoadFile(const std::string& path) {
  auto raw = LoadSecretHexFile32(path, "salt");
  if (!raw.ok()) return raw.status();
  Salt salt(*raw);
  OPENSSL_cleanse(raw->data(), raw->size());
  return salt;
}

Salt::Salt(Salt&& other) noexcept : bytes_(other.bytes_) {
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
}

Salt& Salt::operator=(Salt&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

Salt::~Salt() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

std::string Salt::ToFileContents() const { return HexEncode(bytes_) + "\n"; }

Tagger::Tagger(const Salt& salt) : hmac_(salt.bytes()) {}

DeviceTag Tagger::Tag(std::string_view imei14) {
  assert(IsImei14(imei14));
  hmac_.Update(AsBytes(kTagDomain));
  hmac_.Update(AsBytes(imei14));
  return hmac_.Finish();
}

DeviceTag SaltedTag(const Salt& salt, std::string_view imei14) {
  return Tagger(salt).Tag(imei14);
}

}  // namespace imeisync::crypto
