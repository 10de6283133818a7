// C2SP signed notes (c2sp.org/signed-note@v1.0.0) with Ed25519 keys.
//
//   note      = text "\n" 1*sig-line       ; text ends in "\n"; the last blank
//   sig-line  = "— " key-name " " base64(key-id(4) || signature) "\n"
//   key-id    = SHA-256(key-name || "\n" || type || public-key)[:4]
//
// Parsing never trusts the text: callers read it only after VerifyNote()
// accepted a signature from a key they trust.
#ifndef IMEISYNC_CRYPTO_NOTE_H_
#define IMEISYNC_CRYPTO_NOTE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"

namespace imeisync::crypto {

// Signature type bytes assigned by the signed-note spec.
inline constexpr uint8_t kNoteTypeEd25519 = 0x01;
inline constexpr uint8_t kNoteTypeCosignatureV1 = 0x04;

// Limits that keep a hostile note from costing more than a few signatures.
inline constexpr size_t kMaxNoteBytes = 1 << 20;
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string key_name;
  uint32_t key_id = 0;
  Bytes signature;  // after the 4-byte key ID

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;  // ends in "\n"; what the signatures cover
  std::vector<NoteSignature> signatures;
};

// SHA-256(name || "\n" || type || public_key)[:4], big-endian.
uint32_t NoteKeyId(std::string_view key_name, uint8_t type,
                   ByteView public_key);

// True if `name` may be a key name: non-empty, valid UTF-8, no spaces,
// no '+', no control characters.
bool IsValidKeyName(std::string_view name);

// Parses a signed note strictly. InvalidArgument, saying what and where,
// for: more than kMaxNoteBytes; invalid UTF-8 or a control character other
// than newline; no blank line before the signatures; text not ending in a
// newline; a signature line that is not "— name base64"; a bad key name;
// base64 that is not canonical or shorter than a key ID; no signature; more
// than kMaxNoteSignatures.
Result<Note> ParseNote(std::string_view note);

// The note's canonical bytes: text, blank line, signature lines.
// REQUIRES: text ends in "\n" and has the properties ParseNote() checks.
std::string FormatNote(const Note& note);

// An Ed25519 note key: name plus public key, with its key ID.
class NoteVerifier {
 public:
  // InvalidArgument for a bad key name.
  static Result<NoteVerifier> Create(std::string name,
                                     const Ed25519PublicKey& key,
                                     uint8_t type = kNoteTypeEd25519);
  // Parses a vkey "<name>+<hex key ID>+<base64(type || key)>" for type 0x01
  // or 0x04; InvalidArgument if it is malformed or its key ID does not match.
  static Result<NoteVerifier> FromVkey(std::string_view vkey);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  uint8_t type() const { return type_; }
  const Ed25519PublicKey& public_key() const { return key_; }
  std::string Vkey() const;

  // True if `sig` claims this key: same name and key ID.
  bool Matches(const NoteSignature& sig) const {
    return sig.key_name == name_ && sig.key_id == key_id_;
  }

 private:
  NoteVerifier(std::string name, Ed25519PublicKey key, uint8_t type,
               uint32_t id)
      : name_(std::move(name)),
        key_(std::move(key)),
        type_(type),
        key_id_(id) {}
  std::string name_;
  Ed25519PublicKey key_;
  uint8_t type_;
  uint32_t key_id_;
};

// Signs note texts with an Ed25519 key under a key name (type 0x01).
class NoteSigner {
 public:
  // InvalidArgument for a bad key name.
  static Result<NoteSigner> Create(std::string name, Ed25519PrivateKey key);

  // REQUIRES: text ends in "\n".
  NoteSignature Sign(std::string_view text) const;
  Result<NoteVerifier> Verifier() const;
  const std::string& name() const { return name_; }

 private:
  NoteSigner(std::string name, Ed25519PrivateKey key)
      : name_(std::move(name)), key_(std::move(key)) {}
  std::string name_;
  Ed25519PrivateKey key_;
};

// The spec's rule: signatures from unknown keys are ignored; every signature
// from a known Ed25519 (type 0x01) key must verify; at least one must. Returns
// the names of the keys whose signatures verified, or InvalidArgument naming
// the key whose signature failed, or saying that no known key signed.
Result<std::vector<std::string>> VerifyNote(
    const Note& note, std::span<const NoteVerifier> verifiers);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_NOTE_H_
