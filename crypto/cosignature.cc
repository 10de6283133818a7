#include "crypto/cosignature.h"

#include <cassert>

#include "base/big_endian.h"

namespace imeisync::crypto {

std::string CosignatureMessage(uint64_t timestamp,
                               std::string_view checkpoint_text) {
  std::string m = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  m += checkpoint_text;
  return m;
}

Result<Cosigner> Cosigner::Create(std::string name, Ed25519PrivateKey key) {
  if (!IsValidKeyName(name))
    return InvalidArgument("invalid cosigner key name");
  return Cosigner(std::move(name), std::move(key));
}

NoteSignature Cosigner::Cosign(std::string_view checkpoint_text,
                               uint64_t timestamp) const {
  assert(timestamp <= 0x7FFFFFFFFFFFFFFFull);
  NoteSignature sig;
  sig.key_name = name_;
  sig.key_id =
      NoteKeyId(name_, kNoteTypeCosignatureV1, key_.public_key().raw());
  AppendU64(sig.signature, timestamp);
  const Ed25519Signature s =
      key_.Sign(AsBytes(CosignatureMessage(timestamp, checkpoint_text)));
  sig.signature.insert(sig.signature.end(), s.begin(), s.end());
  return sig;
}

Result<NoteVerifier> Cosigner::Verifier() const {
  return NoteVerifier::Create(name_, key_.public_key(), kNoteTypeCosignatureV1);
}

Result<uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                   const NoteSignature& sig,
                                   const NoteVerifier& cosigner) {
  if (cosigner.type() != kNoteTypeCosignatureV1) {
    return InvalidArgument("key " + cosigner.name() +
                           " is not a cosignature (0x04) key");
  }
  if (!cosigner.Matches(sig)) {
    return InvalidArgument("signature is not by cosigner " + cosigner.name());
  }
  if (sig.signature.size() != 72) {
    return InvalidArgument(
        "cosignature is " + std::to_string(sig.signature.size()) +
        " bytes, expected 72 (timestamp and Ed25519 signature)");
  }
  const uint64_t timestamp = LoadU64(sig.signature);
  if (timestamp > 0x7FFFFFFFFFFFFFFFull) {
    return InvalidArgument("cosignature timestamp exceeds 2^63 - 1");
  }
  Status s = cosigner.public_key().Verify(
      AsBytes(CosignatureMessage(timestamp, checkpoint_text)),
      ByteView(sig.signature).subspan(8));
  if (!s.ok())
    return InvalidArgument("cosignature by " + cosigner.name() +
                           " does not verify");
  return timestamp;
}

}  // namespace imeisync::crypto
