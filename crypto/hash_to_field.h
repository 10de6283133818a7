// RFC 9380 section 5: hashing a message to uniform bytes
// (expand_message_xmd with SHA-256, 5.3.1) and to elements of the P-256
// base field (hash_to_field, 5.2, with L = 48). The first steps of
// P256_XMD:SHA-256_SSWU_RO_, which oprf mode's device tags need
// (docs/formats.md "Oprf mode");
// and the same over the group order, RFC 9497's HashToScalar.
#ifndef IMEISYNC_CRYPTO_HASH_TO_FIELD_H_
#define IMEISYNC_CRYPTO_HASH_TO_FIELD_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::crypto {

// expand_message_xmd(msg, DST, len_in_bytes) with SHA-256; a DST above 255
// bytes is first replaced by SHA-256("H2C-OVERSIZE-DST-" || DST) (RFC 9380
// 5.3.3). InvalidArgument if `dst` is empty, or if len_in_bytes is 0 or
// needs more than 255 SHA-256 blocks (above 8160).
Result<Bytes> ExpandMessageXmdSha256(ByteView msg, std::string_view dst,
                                     size_t len_in_bytes);

// hash_to_field(msg, count) for the P-256 base field: `count` elements,
// each the big-endian 32-byte encoding of OS2IP(48 uniform bytes) mod p.
// Errors as ExpandMessageXmdSha256; count must be 1 to 170.
Result<std::vector<Hash32>> HashToFieldP256(ByteView msg, std::string_view dst,
                                            size_t count);

// hash_to_field(msg, 1) over the integers mod n, the order of the P-256
// group, with L = 48: RFC 9497's HashToScalar for P256-SHA256 (4.3). The
// big-endian 32-byte encoding of OS2IP(48 uniform bytes) mod n, which may be
// zero. InvalidArgument if `dst` is empty.
Result<Hash32> HashToScalarP256(ByteView msg, std::string_view dst);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_HASH_TO_FIELD_H_
