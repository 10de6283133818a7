#include "crypto/hash_to_field.h"

#include <openssl/bn.h>

#include <algorithm>

#include "crypto/openssl_ptr.h"
#include "crypto/sha256.h"

namespace imeisync::crypto {
namespace {

constexpr size_t kSha256Bytes = 32;
constexpr size_t kSha256BlockBytes = 64;  // r_in_bytes for SHA-256
constexpr size_t kP256L = 48;             // ceil((ceil(log2 p) + k) / 8)

// p = 2^256 - 2^224 + 2^192 + 2^96 - 1, big-endian.
constexpr uint8_t kP256Prime[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// n, the order of the P-256 group, big-endian.
constexpr uint8_t kP256Order[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

// hash_to_field (RFC 9380 5.2) modulo the 256-bit prime `modulus`, L = 48.
Result<std::vector<Hash32>> HashToField256(ByteView msg, std::string_view dst,
                                           size_t count,
                                           const uint8_t (&modulus)[32]) {
  if (count == 0 || count > 170) {
    return InvalidArgument("hash_to_field: count must be 1 to 170, got " +
                           std::to_string(count));
  }
  IMEISYNC_ASSIGN_OR_RETURN(Bytes uniform,
                            ExpandMessageXmdSha256(msg, dst, count * kP256L));
  BnCtxPtr ctx(BN_CTX_secure_new());
  BnPtr p(BN_bin2bn(modulus, sizeof modulus, nullptr));
  BnPtr tv(BN_secure_new());
  BnPtr e(BN_secure_new());
  if (!ctx || !p || !tv || !e) return Internal("OpenSSL BIGNUM allocation");
  BN_set_flags(tv.get(), BN_FLG_CONSTTIME);
  std::vector<Hash32> out(count);
  for (size_t i = 0; i < count; ++i) {
    if (BN_bin2bn(uniform.data() + i * kP256L, static_cast<int>(kP256L),
                  tv.get()) == nullptr ||
        BN_mod(e.get(), tv.get(), p.get(), ctx.get()) != 1 ||
        BN_bn2binpad(e.get(), out[i].data(), 32) != 32) {
      return Internal("OpenSSL BIGNUM arithmetic in hash_to_field");
    }
  }
  OPENSSL_cleanse(uniform.data(), uniform.size());
  return out;
}

}  // namespace

Result<Bytes> ExpandMessageXmdSha256(ByteView msg, std::string_view dst,
                                     size_t len_in_bytes) {
  if (dst.empty()) {
    return InvalidArgument("domain separation tag must not be empty");
  }
  const size_t ell = (len_in_bytes + kSha256Bytes - 1) / kSha256Bytes;
  if (len_in_bytes == 0 || len_in_bytes > 65535 || ell > 255) {
    return InvalidArgument("expand_message_xmd cannot give " +
                           std::to_string(len_in_bytes) +
                           " bytes with SHA-256 (1 to 8160)");
  }
  // RFC 9380 5.3.3: a DST above 255 bytes is replaced by its hash.
  Bytes dst_prime;
  if (dst.size() > 255) {
    const std::string prefix = "H2C-OVERSIZE-DST-";
    Sha256Hasher oversize;
    const Hash32 d =
        oversize.Update(AsBytes(prefix)).Update(AsBytes(dst)).Finish();
    dst_prime.assign(d.begin(), d.end());
  } else {
    dst_prime.assign(dst.begin(), dst.end());
  }
  dst_prime.push_back(static_cast<uint8_t>(dst_prime.size()));
  const uint8_t z_pad[kSha256BlockBytes] = {};
  const uint8_t l_i_b_str[2] = {static_cast<uint8_t>(len_in_bytes >> 8),
                                static_cast<uint8_t>(len_in_bytes)};
  Sha256Hasher h;
  const uint8_t zero = 0;
  const Hash32 b0 = h.Update(ByteView(z_pad, sizeof z_pad))
                        .Update(msg)
                        .Update(ByteView(l_i_b_str, 2))
                        .Update(ByteView(&zero, 1))
                        .Update(dst_prime)
                        .Finish();
  Bytes out;
  out.reserve(ell * kSha256Bytes);
  Hash32 previous{};
  for (size_t i = 1; i <= ell; ++i) {
    Hash32 input = b0;  // b_1 = H(b_0 || 1 || DST'); b_i uses b_0 ^ b_(i-1)
    if (i > 1) {
      for (size_t j = 0; j < kSha256Bytes; ++j) input[j] ^= previous[j];
    }
    const uint8_t counter = static_cast<uint8_t>(i);
    previous = h.Update(input)
                   .Update(ByteView(&counter, 1))
                   .Update(dst_prime)
                   .Finish();
    out.insert(out.end(), previous.begin(), previous.end());
  }
  out.resize(len_in_bytes);
  return out;
}

Result<std::vector<Hash32>> HashToFieldP256(ByteView msg, std::string_view dst,
                                            size_t count) {
  return HashToField256(msg, dst, count, kP256Prime);
}

Result<Hash32> HashToScalarP256(ByteView msg, std::string_view dst) {
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> scalar,
                            HashToField256(msg, dst, 1, kP256Order));
  return scalar[0];
}

}  // namespace imeisync::crypto
