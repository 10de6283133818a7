#include "node/replication/origin_logs.h"

#include <algorithm>

#include "base/big_endian.h"
#include "crypto/note.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/log_proof.h"
#include "node/replication/log_tree.h"
#include "node/replication/origin_prefix.h"

namespace imeisync::node::replication {
namespace {

Bytes EntryKey(const Bytes& prefix, uint64_t index) {
  Bytes k = prefix;
  AppendU64(k, index);
  return k;
}

std::string Sizes(uint64_t a, uint64_t b) {
  return std::to_string(a) + " vs " + std::to_string(b);
}

}  // namespace

Result<OriginLogs> OriginLogs::Open(const store::Env& env) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Db entries,
                            env.Database(kOriginLogDatabases[0]));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db tree,
                            env.Database(kOriginLogDatabases[1]));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db checkpoints,
                            env.Database(kOriginLogDatabases[2]));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db evidence,
                            env.Database(kOriginLogDatabases[3]));
  return OriginLogs(entries, tree, checkpoints, evidence);
}

Result<LogHead> OriginLogs::Head(const store::Txn& txn,
                                 std::string_view origin) const {
  IMEISYNC_RETURN_IF_ERROR(OriginPrefix(origin).status());
  LogTree tree(tree_, std::string(origin));
  IMEISYNC_ASSIGN_OR_RETURN(merkle::CompactRange range, tree.Range(txn));
  return LogHead{range.size(), range.Root()};
}

Result<std::string> OriginLogs::CheckpointNote(const store::Txn& txn,
                                               std::string_view origin) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(origin));
  auto v = txn.Get(checkpoints_, prefix);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return NotFound("no verified checkpoint of origin " +
                      std::string(origin));
    }
    return v.status();
  }
  return std::string(AsChars(*v));
}

Result<uint64_t> OriginLogs::SignedSize(const store::Txn& txn,
                                        std::string_view origin) const {
  auto note = CheckpointNote(txn, origin);
  if (!note.ok()) {
    if (note.status().code() == StatusCode::kNotFound) return uint64_t{0};
    return note.status();
  }
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note parsed, crypto::ParseNote(*note));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Checkpoint c,
                            crypto::ParseCheckpointText(parsed.text));
  return c.size;
}

Result<std::vector<std::pair<std::string, LogHead>>> OriginLogs::Frontier(
    const store::Txn& txn) const {
  // Every origin with at least one stored entry, whether or not a signed
  // checkpoint covers it yet: everything folded into the state is here.
  // One seek per origin: past the last possible index of each.
  std::vector<std::string> origins;
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(entries_));
    for (cursor.SeekToFirst(); cursor.Valid();) {
      ByteView k = cursor.key();
      if (k.empty() || k.size() != 1u + k[0] + 8)
        return DataLoss("malformed log entry key");
      origins.emplace_back(AsChars(k.subspan(1, k[0])));
      Bytes past(k.begin(), k.end() - 8);
      AppendU64(past, ~uint64_t{0});
      cursor.Seek(past);
      if (cursor.Valid() &&
          std::equal(past.begin(), past.end(), cursor.key().begin(),
                     cursor.key().end())) {
        cursor.Next();
      }
    }
    IMEISYNC_RETURN_IF_ERROR(cursor.status());
  }
  std::sort(origins.begin(), origins.end());
  std::vector<std::pair<std::string, LogHead>> out;
  for (std::string& origin : origins) {
    IMEISYNC_ASSIGN_OR_RETURN(LogHead head, Head(txn, origin));
    out.emplace_back(std::move(origin), head);
  }
  return out;
}

Result<std::vector<Entry>> OriginLogs::Read(const store::Txn& txn,
                                            std::string_view origin,
                                            uint64_t begin,
                                            uint64_t end) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(origin));
  IMEISYNC_ASSIGN_OR_RETURN(LogHead head, Head(txn, origin));
  if (begin > end || end > head.size) {
    return InvalidArgument("entries [" + std::to_string(begin) + ", " +
                           std::to_string(end) + ") are outside the log of " +
                           std::string(origin) + " (size " +
                           std::to_string(head.size) + ")");
  }
  std::vector<Entry> out;
  out.reserve(end - begin);
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(entries_));
  cursor.Seek(EntryKey(prefix, begin));
  for (uint64_t i = begin; i < end; ++i, cursor.Next()) {
    if (!cursor.Valid() || cursor.key().size() != prefix.size() + 8 ||
        !std::equal(prefix.begin(), prefix.end(), cursor.key().begin()) ||
        LoadU64(cursor.key().subspan(prefix.size())) != i) {
      IMEISYNC_RETURN_IF_ERROR(cursor.status());
      return DataLoss("entry " + std::to_string(i) + " of " +
                      std::string(origin) + " is missing");
    }
    auto e = DecodeEntry(cursor.value());
    if (!e.ok()) {
      return DataLoss("stored entry " + std::to_string(i) + " of " +
                      std::string(origin) + ": " + e.status().message());
    }
    out.push_back(*e);
  }
  return out;
}

Result<Hash32> OriginLogs::RootAt(const store::Txn& txn,
                                  std::string_view origin,
                                  uint64_t size) const {
  IMEISYNC_RETURN_IF_ERROR(OriginPrefix(origin).status());
  LogTree tree(tree_, std::string(origin));
  return tree.RootAt(txn, size);
}

Result<LogTree> OriginLogs::ProofTree(const store::Txn& txn,
                                      std::string_view origin, bool in_range,
                                      uint64_t size,
                                      const std::string& no_proof) const {
  IMEISYNC_ASSIGN_OR_RETURN(LogHead head, Head(txn, origin));
  if (!in_range || size > head.size) {
    return InvalidArgument(no_proof + " in the log of " + std::string(origin) +
                           " (size " + std::to_string(head.size) + ")");
  }
  return LogTree(tree_, std::string(origin));
}

Result<std::vector<Hash32>> OriginLogs::InclusionProof(const store::Txn& txn,
                                                       std::string_view origin,
                                                       uint64_t index,
                                                       uint64_t size) const {
  IMEISYNC_ASSIGN_OR_RETURN(
      LogTree tree,
      ProofTree(txn, origin, index < size, size,
                "no inclusion proof of entry " + std::to_string(index) +
                    " at size " + std::to_string(size)));
  return tree.InclusionProof(txn, index, size);
}

Result<std::vector<Hash32>> OriginLogs::ConsistencyProof(
    const store::Txn& txn, std::string_view origin, uint64_t first,
    uint64_t second) const {
  IMEISYNC_ASSIGN_OR_RETURN(
      LogTree tree,
      ProofTree(txn, origin, first != 0 && first <= second, second,
                "no consistency proof from size " + std::to_string(first) +
                    " to " + std::to_string(second)));
  return tree.ConsistencyProof(txn, first, second);
}

Result<LogHead> OriginLogs::Append(store::WriteTxn& txn,
                                   std::string_view origin,
                                   std::span<const Entry> entries) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(origin));
  IMEISYNC_ASSIGN_OR_RETURN(bool frozen, Frozen(txn, origin));
  if (frozen)
    return FailedPrecondition("origin " + std::string(origin) + " is frozen");
  LogTree tree(tree_, std::string(origin));
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t size, tree.Size(txn));
  std::vector<Hash32> leaves;
  leaves.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const EncodedEntry encoded = EncodeEntry(entries[i]);
    leaves.push_back(merkle::LogLeafHash(encoded));
    IMEISYNC_RETURN_IF_ERROR(
        txn.Put(entries_, EntryKey(prefix, size + i), encoded));
  }
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 root, tree.Append(txn, leaves));
  return LogHead{size + entries.size(), root};
}

Status OriginLogs::RecordCheckpoint(store::WriteTxn& txn,
                                    const VerifiedCheckpoint& cp) const {
  const crypto::Checkpoint& c = cp.checkpoint;
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(c.origin));
  IMEISYNC_ASSIGN_OR_RETURN(LogHead head, Head(txn, c.origin));
  if (head.size != c.size || head.root != c.root) {
    return FailedPrecondition(
        "checkpoint of " + c.origin + " at size " + std::to_string(c.size) +
        " does not match the log (size " + std::to_string(head.size) + ")");
  }
  return txn.Put(checkpoints_, prefix, AsBytes(cp.note));
}

Status OriginLogs::ReplaceCheckpointNote(store::WriteTxn& txn,
                                         std::string_view origin,
                                         std::string_view note) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(origin));
  IMEISYNC_ASSIGN_OR_RETURN(std::string stored, CheckpointNote(txn, origin));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note ours, crypto::ParseNote(stored));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note theirs, crypto::ParseNote(note));
  if (ours.text != theirs.text) {
    return FailedPrecondition("the stored checkpoint of " +
                              std::string(origin) +
                              " is not the one being replaced");
  }
  return txn.Put(checkpoints_, prefix, AsBytes(note));
}

Result<ApplyOutcome> OriginLogs::Apply(store::WriteTxn& txn,
                                       const VerifiedCheckpoint& cp,
                                       std::span<const Entry> entries) const {
  const crypto::Checkpoint& c = cp.checkpoint;
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(c.origin));
  IMEISYNC_ASSIGN_OR_RETURN(bool frozen, Frozen(txn, c.origin));
  if (frozen) {
    return FailedPrecondition(
        "origin " + c.origin +
        " is frozen: equivocation evidence is recorded against it");
  }
  LogTree tree(tree_, c.origin);
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t size, tree.Size(txn));
  if (c.size <= size) {
    if (!entries.empty()) {
      return InvalidArgument("checkpoint of " + c.origin +
                             " adds nothing (size " + Sizes(c.size, size) +
                             ") but " + std::to_string(entries.size()) +
                             " entries came with it");
    }
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 ours, tree.RootAt(txn, c.size));
    if (ours == c.root) return ApplyOutcome::kAlreadyHave;
    // Evidence must stand on two signed notes: the contradiction is with
    // the stored checkpoint, and the proof ties the prefix to it. Entries
    // beyond it (pieces of a pull not finished yet) are verified but carry
    // no signature of their own, so a contradiction there is refused
    // without freezing the origin.
    auto stored = CheckpointNote(txn, c.origin);
    if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) {
      return stored.status();
    }
    uint64_t signed_size = 0;
    if (stored.ok()) {
      IMEISYNC_ASSIGN_OR_RETURN(crypto::Note note, crypto::ParseNote(*stored));
      IMEISYNC_ASSIGN_OR_RETURN(crypto::Checkpoint first,
                                crypto::ParseCheckpointText(note.text));
      signed_size = first.size;
    }
    if (!stored.ok() || c.size > signed_size) {
      return DataLoss("checkpoint of " + c.origin + " at size " +
                      std::to_string(c.size) +
                      " contradicts entries verified here beyond the last "
                      "stored checkpoint (size " +
                      std::to_string(signed_size) + "); refused");
    }
    Evidence evidence;
    evidence.origin = c.origin;
    evidence.first_note = *stored;
    evidence.second_note = cp.note;
    if (c.size < signed_size) {
      // What the stored, signed tree says the prefix is, and the proof.
      evidence.prefix_root = ours;
      if (c.size > 0) {
        IMEISYNC_ASSIGN_OR_RETURN(
            evidence.proof, tree.ConsistencyProof(txn, c.size, signed_size));
      }
    }
    IMEISYNC_RETURN_IF_ERROR(StoreEvidence(txn, evidence));
    return ApplyOutcome::kEquivocation;
  }
  if (entries.size() != c.size - size) {
    return InvalidArgument(
        "checkpoint of " + c.origin + " at size " + std::to_string(c.size) +
        " needs " + std::to_string(c.size - size) + " new entries after " +
        std::to_string(size) + ", got " + std::to_string(entries.size()));
  }
  IMEISYNC_ASSIGN_OR_RETURN(LogHead head, Append(txn, c.origin, entries));
  if (head.root != c.root) {
    return DataLoss("entries " + std::to_string(size) + ".." +
                    std::to_string(c.size) + " of " + c.origin +
                    " do not hash to the signed root");
  }
  IMEISYNC_RETURN_IF_ERROR(txn.Put(checkpoints_, prefix, AsBytes(cp.note)));
  return ApplyOutcome::kApplied;
}

Result<LogHead> OriginLogs::ApplyPrefix(store::WriteTxn& txn,
                                        const VerifiedCheckpoint& cp,
                                        std::span<const Entry> entries,
                                        std::span<const Hash32> proof) const {
  const crypto::Checkpoint& c = cp.checkpoint;
  IMEISYNC_ASSIGN_OR_RETURN(LogHead before, Head(txn, c.origin));
  const uint64_t size = before.size + entries.size();
  if (entries.empty() || size >= c.size) {
    return InvalidArgument("a piece of " + c.origin + " must end before " +
                           "the checkpoint's size " + std::to_string(c.size) +
                           ", but ends at " + std::to_string(size));
  }
  IMEISYNC_ASSIGN_OR_RETURN(LogHead head, Append(txn, c.origin, entries));
  Status consistent =
      merkle::VerifyConsistency(head.size, c.size, head.root, c.root, proof);
  if (!consistent.ok()) {
    return DataLoss("entries " + std::to_string(before.size) + ".." +
                    std::to_string(head.size) + " of " + c.origin +
                    " are not a prefix of the signed log of size " +
                    std::to_string(c.size) + ": " + consistent.message());
  }
  return head;
}

Status OriginLogs::StoreEvidence(store::WriteTxn& txn,
                                 const Evidence& evidence) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(evidence.origin));
  uint64_t seq = 0;
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(evidence_));
    for (cursor.Seek(prefix); cursor.Valid(); cursor.Next()) {
      ByteView k = cursor.key();
      if (k.size() != prefix.size() + 8 ||
          !std::equal(prefix.begin(), prefix.end(), k.begin())) {
        break;
      }
      seq = LoadU64(k.subspan(prefix.size())) + 1;
    }
    IMEISYNC_RETURN_IF_ERROR(cursor.status());
  }
  return txn.Put(evidence_, EntryKey(prefix, seq), evidence.Encode());
}

Result<bool> OriginLogs::Frozen(const store::Txn& txn,
                                std::string_view origin) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes prefix, OriginPrefix(origin));
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(evidence_));
  cursor.Seek(prefix);
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  return cursor.Valid() && cursor.key().size() == prefix.size() + 8 &&
         std::equal(prefix.begin(), prefix.end(), cursor.key().begin());
}

Result<std::vector<Evidence>> OriginLogs::AllEvidence(
    const store::Txn& txn) const {
  std::vector<Evidence> out;
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn.NewCursor(evidence_));
  for (cursor.SeekToFirst(); cursor.Valid(); cursor.Next()) {
    ByteView k = cursor.key();
    if (k.empty() || k.size() != 1u + k[0] + 8)
      return DataLoss("malformed evidence key");
    IMEISYNC_ASSIGN_OR_RETURN(
        Evidence e,
        Evidence::Decode(AsChars(k.subspan(1, k[0])), cursor.value()));
    out.push_back(std::move(e));
  }
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  return out;
}

}  // namespace imeisync::node::replication
