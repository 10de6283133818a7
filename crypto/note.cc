#include "crypto/note.h"

#include <algorithm>
#include <cstdio>

#include "base/base64.h"
#include "base/hex.h"
#include "crypto/sha256.h"

namespace imeisync::crypto {
namespace {

constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";

// Checks UTF-8 and control characters; returns the byte offset of the first
// problem and what it is, or an empty string.
std::string CheckText(std::string_view s, size_t* at) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    *at = i;
    if (b < 0x80) {
      if (b < 0x20 && b != '\n') return "control character";
      if (b == 0x7f) return "control character";
      ++i;
      continue;
    }
    size_t len = (b >> 5) == 6    ? 2
                 : (b >> 4) == 14 ? 3
                 : (b >> 3) == 30 ? 4
                                  : 0;
    if (len == 0 || i + len > s.size()) return "invalid UTF-8";
    uint32_t cp = b & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 2) return "invalid UTF-8";
      cp = cp << 6 | (c & 0x3f);
    }
    const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return "invalid UTF-8";
    }
    if (cp >= 0x80 && cp < 0xA0) return "control character";
    i += len;
  }
  return "";
}

bool HasUnicodeSpace(std::string_view s) {
  // ASCII space and the non-ASCII spaces a key name could smuggle in.
  static constexpr std::string_view kSpaces[] = {" ",
                                                 "\xC2\x85",
                                                 "\xC2\xA0",
                                                 "\xE1\x9A\x80",
                                                 "\xE2\x80\x80",
                                                 "\xE2\x80\x81",
                                                 "\xE2\x80\x82",
                                                 "\xE2\x80\x83",
                                                 "\xE2\x80\x84",
                                                 "\xE2\x80\x85",
                                                 "\xE2\x80\x86",
                                                 "\xE2\x80\x87",
                                                 "\xE2\x80\x88",
                                                 "\xE2\x80\x89",
                                                 "\xE2\x80\x8A",
                                                 "\xE2\x80\xA8",
                                                 "\xE2\x80\xA9",
                                                 "\xE2\x80\xAF",
                                                 "\xE2\x81\x9F",
                                                 "\xE3\x80\x80"};
  for (std::string_view sp : kSpaces) {
    if (s.find(sp) != std::string_view::npos) return true;
  }
  return false;
}

std::string LineText(size_t line) {
  return "signature line " + std::to_string(line);
}

}  // namespace

uint32_t NoteKeyId(std::string_view key_name, uint8_t type,
                   ByteView public_key) {
  Sha256Hasher h;
  h.Update(AsBytes(key_name))
      .Update(AsBytes("\n"))
      .Update(ByteView(&type, 1))
      .Update(public_key);
  const Hash32 d = h.Finish();
  return uint32_t{d[0]} << 24 | uint32_t{d[1]} << 16 | uint32_t{d[2]} << 8 |
         d[3];
}

bool IsValidKeyName(std::string_view name) {
  size_t at;
  return !name.empty() && name.find('+') == std::string_view::npos &&
         name.find('\n') == std::string_view::npos &&
         CheckText(name, &at).empty() && !HasUnicodeSpace(name);
}

Result<Note> ParseNote(std::string_view s) {
  if (s.size() > kMaxNoteBytes) {
    return InvalidArgument("note is " + std::to_string(s.size()) +
                           " bytes; at most " + std::to_string(kMaxNoteBytes) +
                           " accepted");
  }
  size_t at = 0;
  if (std::string problem = CheckText(s, &at); !problem.empty()) {
    return InvalidArgument("note has " + problem + " at byte " +
                           std::to_string(at));
  }
  const size_t blank = s.rfind("\n\n");
  if (blank == std::string_view::npos) {
    return InvalidArgument("note has no blank line before its signatures");
  }
  Note note;
  note.text = std::string(s.substr(0, blank + 1));
  std::string_view sigs = s.substr(blank + 2);
  if (sigs.empty()) return InvalidArgument("note has no signature lines");
  if (sigs.back() != '\n')
    return InvalidArgument("note does not end in a newline");
  size_t line = 0;
  while (!sigs.empty()) {
    ++line;
    const size_t eol = sigs.find('\n');
    std::string_view l = sigs.substr(0, eol);
    sigs.remove_prefix(eol + 1);
    if (note.signatures.size() == kMaxNoteSignatures) {
      return InvalidArgument("note has more than " +
                             std::to_string(kMaxNoteSignatures) +
                             " signatures");
    }
    if (!l.starts_with(kEmDashSpace)) {
      return InvalidArgument(LineText(line) + " does not start with \"— \"");
    }
    l.remove_prefix(kEmDashSpace.size());
    const size_t space = l.find(' ');
    if (space == std::string_view::npos) {
      return InvalidArgument(LineText(line) +
                             " has no space between key name and signature");
    }
    NoteSignature sig;
    sig.key_name = std::string(l.substr(0, space));
    if (!IsValidKeyName(sig.key_name)) {
      return InvalidArgument(LineText(line) + " has an invalid key name");
    }
    auto raw = Base64Decode(l.substr(space + 1));
    if (!raw.ok()) return raw.status().WithContext(LineText(line));
    if (raw->size() < 5) {
      return InvalidArgument(LineText(line) + ": signature of " +
                             std::to_string(raw->size()) +
                             " bytes is shorter than a key ID and a signature");
    }
    sig.key_id = uint32_t{(*raw)[0]} << 24 | uint32_t{(*raw)[1]} << 16 |
                 uint32_t{(*raw)[2]} << 8 | (*raw)[3];
    sig.signature.assign(raw->begin() + 4, raw->end());
    note.signatures.push_back(std::move(sig));
  }
  return note;
}

std::string FormatNote(const Note& note) {
  std::string out = note.text;
  out += '\n';
  for (const NoteSignature& sig : note.signatures) {
    Bytes raw{static_cast<uint8_t>(sig.key_id >> 24),
              static_cast<uint8_t>(sig.key_id >> 16),
              static_cast<uint8_t>(sig.key_id >> 8),
              static_cast<uint8_t>(sig.key_id)};
    raw.insert(raw.end(), sig.signature.begin(), sig.signature.end());
    out += kEmDashSpace;
    out += sig.key_name;
    out += ' ';
    out += Base64Encode(raw);
    out += '\n';
  }
  return out;
}

Result<NoteVerifier> NoteVerifier::Create(std::string name,
                                          const Ed25519PublicKey& key,
                                          uint8_t type) {
  if (!IsValidKeyName(name)) return InvalidArgument("invalid note key name");
  const uint32_t id = NoteKeyId(name, type, key.raw());
  return NoteVerifier(std::move(name), key, type, id);
}

Result<NoteVerifier> NoteVerifier::FromVkey(std::string_view vkey) {
  // The name has no '+', the key ID is 8 hex digits, and the base64 key
  // may itself contain '+'.
  const size_t p1 = vkey.find('+');
  const size_t p2 = p1 == std::string_view::npos ? p1 : p1 + 9;
  if (p2 >= vkey.size() || vkey[p2] != '+') {
    return InvalidArgument(
        "vkey must be <name>+<8 hex digit key ID>+<base64 key>");
  }
  std::string name(vkey.substr(0, p1));
  auto id = HexDecode(vkey.substr(p1 + 1, 8));
  if (!id.ok()) return InvalidArgument("vkey key ID is not 8 hex digits");
  auto material = Base64Decode(vkey.substr(p2 + 1));
  if (!material.ok()) return material.status().WithContext("vkey key");
  if (material->size() != 33 || ((*material)[0] != kNoteTypeEd25519 &&
                                 (*material)[0] != kNoteTypeCosignatureV1)) {
    return InvalidArgument(
        "vkey key is not an Ed25519 (0x01) or cosignature (0x04) key");
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      Ed25519PublicKey key,
      Ed25519PublicKey::FromRaw(ByteView(*material).subspan(1)));
  IMEISYNC_ASSIGN_OR_RETURN(NoteVerifier v, Create(name, key, (*material)[0]));
  const uint32_t claimed = uint32_t{(*id)[0]} << 24 | uint32_t{(*id)[1]} << 16 |
                           uint32_t{(*id)[2]} << 8 | (*id)[3];
  if (claimed != v.key_id()) {
    return InvalidArgument("vkey key ID does not match its name and key");
  }
  return v;
}

std::string NoteVerifier::Vkey() const {
  char id[9];
  std::snprintf(id, sizeof id, "%08x", key_id_);
  Bytes material{type_};
  material.insert(material.end(), key_.raw().begin(), key_.raw().end());
  return name_ + "+" + id + "+" + Base64Encode(material);
}

Result<NoteSigner> NoteSigner::Create(std::string name, Ed25519PrivateKey key) {
  if (!IsValidKeyName(name)) return InvalidArgument("invalid note key name");
  return NoteSigner(std::move(name), std::move(key));
}

NoteSignature NoteSigner::Sign(std::string_view text) const {
  NoteSignature sig;
  sig.key_name = name_;
  sig.key_id = NoteKeyId(name_, kNoteTypeEd25519, key_.public_key().raw());
  const Ed25519Signature s = key_.Sign(AsBytes(text));
  sig.signature.assign(s.begin(), s.end());
  return sig;
}

Result<NoteVerifier> NoteSigner::Verifier() const {
  return NoteVerifier::Create(name_, key_.public_key());
}

Result<std::vector<std::string>> VerifyNote(
    const Note& note, std::span<const NoteVerifier> verifiers) {
  std::vector<std::string> verified;
  for (const NoteSignature& sig : note.signatures) {
    for (const NoteVerifier& v : verifiers) {
      if (v.type() != kNoteTypeEd25519 || !v.Matches(sig)) continue;
      Status s = v.public_key().Verify(AsBytes(note.text), sig.signature);
      if (!s.ok()) {
        return InvalidArgument("note signature by " + sig.key_name +
                               " does not verify");
      }
      // A key that signed twice still counts once.
      if (std::find(verified.begin(), verified.end(), sig.key_name) ==
          verified.end()) {
        verified.push_back(sig.key_name);
      }
    }
  }
  if (verified.empty()) {
    std::string names;
    for (const NoteSignature& sig : note.signatures) {
      names += (names.empty() ? "" : ", ") + sig.key_name;
    }
    return InvalidArgument(
        "note has no signature from a known key (signed by: " + names + ")");
  }
  return verified;
}

}  // namespace imeisync::crypto
