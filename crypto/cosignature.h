// Witness cosignatures, c2sp.org/tlog-cosignature@v1.0.1: a timestamped
// Ed25519 note signature (type 0x04) stating that, as of `timestamp`, the
// cosigner verified the checkpoint consistent with everything it saw before.
//
//   signed message = "cosignature/v1\n" "time " decimal(timestamp) "\n"
//   checkpoint-text signature      = key-id(4) || timestamp(8, BE) ||
//   Ed25519(message)(64)
#ifndef IMEISYNC_CRYPTO_COSIGNATURE_H_
#define IMEISYNC_CRYPTO_COSIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/ed25519.h"
#include "crypto/note.h"

namespace imeisync::crypto {

// The exact bytes a cosigner signs. REQUIRES: checkpoint_text ends in "\n".
std::string CosignatureMessage(uint64_t timestamp,
                               std::string_view checkpoint_text);

class Cosigner {
 public:
  // InvalidArgument for a bad key name.
  static Result<Cosigner> Create(std::string name, Ed25519PrivateKey key);

  // The note signature line over `checkpoint_text` at `timestamp` (POSIX
  // seconds). REQUIRES: timestamp <= 2^63 - 1.
  NoteSignature Cosign(std::string_view checkpoint_text,
                       uint64_t timestamp) const;
  // Its verifier (vkey type 0x04).
  Result<NoteVerifier> Verifier() const;

 private:
  Cosigner(std::string name, Ed25519PrivateKey key)
      : name_(std::move(name)), key_(std::move(key)) {}
  std::string name_;
  Ed25519PrivateKey key_;
};

// Checks a cosignature found on a note whose text is `checkpoint_text`.
// Returns its timestamp; InvalidArgument if the verifier is not a type 0x04
// key, the signature is not this cosigner's (name and key ID), not 72 bytes,
// its timestamp exceeds 2^63 - 1, or it does not verify.
Result<uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                   const NoteSignature& sig,
                                   const NoteVerifier& cosigner);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_COSIGNATURE_H_
