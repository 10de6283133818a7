#include "node/replication/evidence.h"

#include "base/big_endian.h"
#include "crypto/checkpoint.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/log_proof.h"

namespace imeisync::node::replication {
namespace {

void AppendString(Bytes& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<uint8_t>(n >> (24 - 8 * i)));
  out.insert(out.end(), s.begin(), s.end());
}

Result<uint32_t> TakeU32(ByteView& in) {
  if (in.size() < 4) return DataLoss("evidence record truncated");
  const uint32_t n = uint32_t{in[0]} << 24 | uint32_t{in[1]} << 16 |
                     uint32_t{in[2]} << 8 | in[3];
  in = in.subspan(4);
  return n;
}

Result<std::string> TakeString(ByteView& in) {
  IMEISYNC_ASSIGN_OR_RETURN(uint32_t n, TakeU32(in));
  if (in.size() < n) return DataLoss("evidence record truncated");
  std::string s(AsChars(in.first(n)));
  in = in.subspan(n);
  return s;
}

Result<Hash32> TakeHash(ByteView& in) {
  if (in.size() < 32) return DataLoss("evidence record truncated");
  Hash32 h;
  std::copy_n(in.begin(), 32, h.begin());
  in = in.subspan(32);
  return h;
}

// A checkpoint from a signed note that `key` must have signed.
Result<crypto::Checkpoint> VerifiedCheckpoint(const std::string& note_text,
                                              const crypto::NoteVerifier& key,
                                              const char* which) {
  auto note = crypto::ParseNote(note_text);
  if (!note.ok()) return note.status().WithContext(which);
  auto signers = crypto::VerifyNote(*note, std::span(&key, 1));
  if (!signers.ok()) return signers.status().WithContext(which);
  auto cp = crypto::ParseCheckpointText(note->text);
  if (!cp.ok()) return cp.status().WithContext(which);
  return cp;
}

}  // namespace

Bytes Evidence::Encode() const {
  Bytes out;
  AppendString(out, first_note);
  AppendString(out, second_note);
  out.push_back(prefix_root ? 1 : 0);
  if (prefix_root) {
    out.insert(out.end(), prefix_root->begin(), prefix_root->end());
    const auto n = static_cast<uint32_t>(proof.size());
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<uint8_t>(n >> (24 - 8 * i)));
    for (const Hash32& h : proof) out.insert(out.end(), h.begin(), h.end());
  }
  return out;
}

Result<Evidence> Evidence::Decode(std::string_view origin, ByteView in) {
  Evidence e;
  e.origin = std::string(origin);
  IMEISYNC_ASSIGN_OR_RETURN(e.first_note, TakeString(in));
  IMEISYNC_ASSIGN_OR_RETURN(e.second_note, TakeString(in));
  if (in.empty()) return DataLoss("evidence record truncated");
  const uint8_t has_prefix = in[0];
  in = in.subspan(1);
  if (has_prefix == 1) {
    IMEISYNC_ASSIGN_OR_RETURN(e.prefix_root, TakeHash(in));
    IMEISYNC_ASSIGN_OR_RETURN(uint32_t n, TakeU32(in));
    if (n > 64) return DataLoss("evidence proof longer than 64 hashes");
    for (uint32_t i = 0; i < n; ++i) {
      IMEISYNC_ASSIGN_OR_RETURN(Hash32 h, TakeHash(in));
      e.proof.push_back(h);
    }
  } else if (has_prefix != 0) {
    return DataLoss("evidence record has an unknown flag");
  }
  if (!in.empty()) return DataLoss("evidence record has trailing bytes");
  return e;
}

Status CheckEvidence(const Evidence& e, const crypto::NoteVerifier& key) {
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Checkpoint first,
      VerifiedCheckpoint(e.first_note, key, "first checkpoint"));
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Checkpoint second,
      VerifiedCheckpoint(e.second_note, key, "second checkpoint"));
  if (first.origin != e.origin || second.origin != e.origin) {
    return InvalidArgument("evidence checkpoints are not both of origin " +
                           e.origin);
  }
  if (second.size > first.size) {
    return InvalidArgument(
        "evidence's second checkpoint is larger than its first");
  }
  if (second.size == first.size) {
    if (first.root == second.root)
      return InvalidArgument("the two checkpoints agree");
    return Status::Ok();
  }
  if (!e.prefix_root)
    return InvalidArgument("evidence of different sizes needs a prefix root");
  if (*e.prefix_root == second.root) {
    return InvalidArgument(
        "the second checkpoint's root matches the first's prefix");
  }
  if (second.size == 0) {
    // Every log's empty prefix has the empty root.
    if (*e.prefix_root != merkle::EmptyLogRoot())
      return InvalidArgument("bad empty prefix root");
    return Status::Ok();
  }
  Status consistent = merkle::VerifyConsistency(
      second.size, first.size, *e.prefix_root, first.root, e.proof);
  if (!consistent.ok())
    return consistent.WithContext("evidence consistency proof");
  return Status::Ok();
}

}  // namespace imeisync::node::replication
