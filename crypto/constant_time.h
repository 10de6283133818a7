// Comparison whose running time does not depend on where inputs differ.
#ifndef IMEISYNC_CRYPTO_CONSTANT_TIME_H_
#define IMEISYNC_CRYPTO_CONSTANT_TIME_H_

#include "base/bytes.h"

namespace imeisync::crypto {

// True iff `a` and `b` hold the same bytes. Time depends only on the lengths,
// which are treated as public: unequal lengths return false at once.
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_CONSTANT_TIME_H_
