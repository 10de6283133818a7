#include "crypto/oprf_key.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/hex.h"
#include "crypto/constant_time.h"
#include "crypto/hash_to_field.h"
#include "crypto/secret_hex.h"

namespace imeisync::crypto {
namespace {

constexpr std::string_view kKeyName = "OPRF key";

}  // namespace

std::string OprfContextString(OprfMode mode) {
  std::string out = "OPRFV1-";
  out.push_back(static_cast<char>(mode));
  out += "-";
  out += kOprfSuite;
  return out;
}

Result<OprfPrivateKey> OprfPrivateKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kP256ScalarBytes) {
    return InvalidArgument("OPRF key must be 32 bytes, got " +
                           std::to_string(bytes.size()));
  }
  const P256Scalar zero{};
  if (ConstantTimeEqual(bytes, zero)) {
    return InvalidArgument("OPRF key is zero");
  }
  P256 group;
  BnPtr k = P256::NewSecretBn();
  Status in_range = group.DeserializeScalar(bytes, k.get());
  if (!in_range.ok()) return in_range.WithContext(kKeyName);
  P256Scalar raw;
  std::copy(bytes.begin(), bytes.end(), raw.begin());
  OprfPrivateKey key(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

Result<OprfPrivateKey> OprfPrivateKey::FromHex(std::string_view hex) {
  auto raw = ParseSecretHex32(hex, kKeyName);
  if (!raw.ok()) return raw.status();
  auto key = FromBytes(*raw);
  OPENSSL_cleanse(raw->data(), raw->size());
  return key;
}

Result<OprfPrivateKey> OprfPrivateKey::LoadFile(const std::string& path) {
  auto raw = LoadSecretHexFile32(path, kKeyName);
  if (!raw.ok()) return raw.status();
  auto key = FromBytes(*raw);
  OPENSSL_cleanse(raw->data(), raw->size());
  if (!key.ok()) {
    return key.status().WithContext(std::string(kKeyName) + " file " + path);
  }
  return key;
}

Result<OprfPrivateKey> OprfPrivateKey::Generate() {
  P256 group;
  BnPtr k = P256::NewSecretBn();
  IMEISYNC_RETURN_IF_ERROR(group.RandomScalar(k.get()));
  return OprfPrivateKey(group.SerializeScalar(k.get()));
}

Result<OprfPrivateKey> OprfPrivateKey::DeriveKeyPair(ByteView seed,
                                                     ByteView info,
                                                     OprfMode mode) {
  if (seed.size() != 32) {
    return InvalidArgument("DeriveKeyPair: seed must be 32 bytes, got " +
                           std::to_string(seed.size()));
  }
  if (info.size() > 65535) {
    return InvalidArgument("DeriveKeyPair: info must be at most 65535 bytes");
  }
  // deriveInput || I2OSP(counter, 1), counter written last in the loop.
  Bytes input(seed.begin(), seed.end());
  input.push_back(static_cast<uint8_t>(info.size() >> 8));
  input.push_back(static_cast<uint8_t>(info.size()));
  input.insert(input.end(), info.begin(), info.end());
  input.push_back(0);
  const std::string dst = "DeriveKeyPair" + OprfContextString(mode);
  const P256Scalar zero{};
  for (int counter = 0; counter <= 255; ++counter) {
    input.back() = static_cast<uint8_t>(counter);
    auto scalar = HashToScalarP256(input, dst);
    if (!scalar.ok()) {
      OPENSSL_cleanse(input.data(), input.size());
      return scalar.status();
    }
    if (!ConstantTimeEqual(*scalar, zero)) {
      OprfPrivateKey key(*scalar);
      OPENSSL_cleanse(scalar->data(), scalar->size());
      OPENSSL_cleanse(input.data(), input.size());
      return key;
    }
  }
  OPENSSL_cleanse(input.data(), input.size());
  return InvalidArgument(
      "DeriveKeyPair: 256 counters all gave the zero scalar "
      "(DeriveKeyPairError)");
}

OprfPrivateKey::OprfPrivateKey(OprfPrivateKey&& other) noexcept
    : bytes_(other.bytes_) {
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
}

OprfPrivateKey& OprfPrivateKey::operator=(OprfPrivateKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

OprfPrivateKey::~OprfPrivateKey() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

std::string OprfPrivateKey::ToFileContents() const {
  return HexEncode(bytes_) + "\n";
}

P256Element OprfPrivateKey::PublicKey() const {
  P256 group;
  BnCtxPtr ctx(BN_CTX_secure_new());
  BnPtr k = P256::NewSecretBn();
  EcPointPtr pk = group.NewPoint();
  CheckOpenSsl(ctx != nullptr &&
                   BN_bin2bn(bytes_.data(), 32, k.get()) != nullptr &&
                   EC_POINT_mul(group.group(), pk.get(), k.get(), nullptr,
                                nullptr, ctx.get()) == 1,
               "OPRF public key");
  // k is in [1, n-1], so k * G is never the identity.
  return *group.SerializeElement(pk.get(), ctx.get());
}

}  // namespace imeisync::crypto
