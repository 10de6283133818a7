#include "node/replication/checkpoint_signing.h"

#include "crypto/checkpoint.h"

namespace imeisync::node::replication {
namespace {

Result<bool> HasUnsigned(const store::Txn& txn, const OriginLogs& logs,
                         const std::string& origin) {
  IMEISYNC_ASSIGN_OR_RETURN(LogHead head, logs.Head(txn, origin));
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t signed_size, logs.SignedSize(txn, origin));
  return head.size > 0 && head.size > signed_size;
}

}  // namespace

Result<std::optional<std::string>> SignNewCheckpoint(
    store::Env& env, const OriginLogs& logs, const crypto::NoteSigner& signer) {
  const std::string& origin = signer.name();
  {
    // Most calls find nothing new: decide that without the writer lock.
    IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env.BeginRead());
    IMEISYNC_ASSIGN_OR_RETURN(bool unsigned_entries,
                              HasUnsigned(txn, logs, origin));
    if (!unsigned_entries) return std::optional<std::string>();
  }
  std::optional<std::string> out;
  Status written = env.Update([&](store::WriteTxn& txn) -> Status {
    out.reset();
    IMEISYNC_ASSIGN_OR_RETURN(bool unsigned_entries,
                              HasUnsigned(txn, logs, origin));
    if (!unsigned_entries) return Status::Ok();
    IMEISYNC_ASSIGN_OR_RETURN(LogHead head, logs.Head(txn, origin));
    crypto::Checkpoint c{origin, head.size, head.root, {}};
    crypto::Note note;
    note.text = crypto::FormatCheckpointText(c);
    note.signatures.push_back(signer.Sign(note.text));
    VerifiedCheckpoint cp{c, crypto::FormatNote(note)};
    IMEISYNC_RETURN_IF_ERROR(logs.RecordCheckpoint(txn, cp));
    out = std::move(cp.note);
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return out;
}

}  // namespace imeisync::node::replication
