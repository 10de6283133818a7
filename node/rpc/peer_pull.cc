// PeerSync's pull: verify an announced or listed checkpoint, then fetch
// and apply the origin's missing entries (docs/design.md "Data flow").
#include <spdlog/spdlog.h>

#include "node/rpc/grpc_status.h"
#include "node/rpc/peer_sync.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

// Entries applied per transaction when a pull brings many. Each applied
// batch writes a new version of every state-tree node it touches, so few
// large batches cost far less time and space than one per 1 MiB chunk;
// 2^18 entries is about 11 MB on the wire; the transaction's dirty pages
// stay near 300 MB, well inside LMDB's per-transaction limit (2^17 pages).
// Measured at n = 1e6 (bench/sync): 2^17 gives 90k entries/s and a
// 952 MB peak RSS, 2^18 87k/s and 773 MB, 2^19 93k/s and 664 MB but
// 514 MB of it anonymous, close to that limit.
constexpr size_t kApplyBatch = size_t{1} << 18;

}  // namespace

Status PeerSync::Pull(const Result<crypto::ParsedCheckpoint>& parsed,
                      bool after_hello) {
  // The bundle is asked once: the checkpoint is verified, its cosignatures
  // kept, and its entries folded under one version's terms.
  auto terms = parsed.ok() ? node_.bundles().TermsOf(parsed->checkpoint.origin)
                           : Result<core::OriginTerms>(parsed.status());
  auto cp = terms.ok()
                ? node_.replicator().VerifyCheckpoint(*parsed, *terms)
                : Result<replication::VerifiedCheckpoint>(terms.status());
  if (!cp.ok() && !after_hello && cp.status().code() == StatusCode::kNotFound) {
    // Announced by a member that may hold a newer bundle: the next round
    // exchanges bundles first, then pulls.
    spdlog::debug("announce from {}: {}", options_.id, cp.status().ToString());
    RequestRound();
    return Status::Ok();
  }
  if (!cp.ok()) {
    spdlog::warn("refused a checkpoint from {}: {}", options_.id,
                 cp.status().ToString());
    Failed(cp.status(), true);
    return cp.status();
  }
  // Witnesses' cosignatures travel with the note: keep the new ones, and
  // pass the richer note on (to the sender too, which may lack ours).
  auto gained = node_.witnessing().AddCosignatures(*parsed, *terms);
  if (!gained.ok()) return gained.status();
  if (*gained) events_.OnNewCheckpoints("", {**gained});
  if (cp->checkpoint.origin == node_.origin() ||
      node_.state_heads().IsOwnExportLog(cp->checkpoint.origin)) {
    return Status::Ok();
  }
  auto head = node_.reads().Head(cp->checkpoint.origin);
  if (!head.ok()) return head.status();
  if (cp->checkpoint.size <= head->size) {
    return CheckHeld(*cp, *terms, head->size);
  }
  // One pull per origin at a time across all peers: a mesh would otherwise
  // fetch the same range from every peer that announces it.
  PullClaim claim(pulls_, cp->checkpoint.origin);
  if (!claim.held()) return Status::Ok();  // a later round looks again
  Status s = PullRange(*cp, *terms, head->size);
  if (!s.ok()) {
    const bool forged = s.code() == StatusCode::kDataLoss ||
                        s.code() == StatusCode::kInvalidArgument;
    if (forged) {
      spdlog::warn("rejected entries of {} from {}: {}", cp->checkpoint.origin,
                   options_.id, s.ToString());
    }
    Failed(s, forged);
    return s;
  }
  // The stored note carries this node's cosignature: announce it to every
  // peer, the sender included, so witnesses' cosignatures gather.
  auto stored = node_.reads().CheckpointNote(cp->checkpoint.origin);
  events_.OnNewCheckpoints("", {stored.ok() ? *stored : cp->note});
  return Status::Ok();
}

Status PeerSync::CheckHeld(const replication::VerifiedCheckpoint& cp,
                           const core::OriginTerms& terms, uint64_t have) {
  auto outcome = node_.replicator().ApplyRange(cp, terms, have, {});
  if (!outcome.ok()) {
    if (outcome.status().code() == StatusCode::kFailedPrecondition) {
      return Status::Ok();  // frozen origin: nothing more is taken
    }
    return outcome.status();
  }
  if (*outcome == replication::ApplyOutcome::kEquivocation) {
    spdlog::error(
        "EQUIVOCATION: {} signed two contradicting checkpoints (one via "
        "{} at size {}); evidence stored, origin frozen",
        cp.checkpoint.origin, options_.id, cp.checkpoint.size);
    Failed(DataLoss("equivocation by " + cp.checkpoint.origin), true);
  }
  return Status::Ok();
}

namespace {

// One received chunk's entries, and (for a chunk that ends before the
// checkpoint) the proof that its end is a prefix of the signed log.
struct CheckedChunk {
  std::vector<Entry> entries;
  std::vector<Hash32> proof;
};

// InvalidArgument, saying what is wrong, unless `chunk` starts at `at`,
// holds 1 entry to 1 MiB of well-formed entries, and ends within `size`.
Result<CheckedChunk> CheckChunk(const v1::EntryChunk& chunk, uint64_t at,
                                uint64_t size) {
  if (chunk.first_index() != at) {
    return InvalidArgument("chunk starts at " +
                           std::to_string(chunk.first_index()) + ", expected " +
                           std::to_string(at));
  }
  if (chunk.entries().size() > kMaxChunkBytes || chunk.entries().empty()) {
    return InvalidArgument("chunk of " +
                           std::to_string(chunk.entries().size()) +
                           " bytes: must hold 1 entry to 1 MiB");
  }
  CheckedChunk out;
  IMEISYNC_ASSIGN_OR_RETURN(out.entries, UnpackEntries(chunk.entries(), at));
  const uint64_t end = at + out.entries.size();
  if (end > size) {
    return InvalidArgument("chunk runs past the checkpoint's size " +
                           std::to_string(size));
  }
  if (end == size) return out;
  // Each chunk proves its own end a prefix of the signed log; the proof of
  // the last buffered chunk covers the whole buffer.
  for (const std::string& h : chunk.consistency()) {
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 hash,
                              ParseHash(h, "consistency proof hash"));
    out.proof.push_back(hash);
  }
  return out;
}

}  // namespace

void PeerSync::CountApplied(uint64_t entries) {
  std::lock_guard lock(mu_);
  status_.entries_applied += entries;
}

Status PeerSync::PullRange(const replication::VerifiedCheckpoint& cp,
                           const core::OriginTerms& terms, uint64_t have) {
  const std::string& origin = cp.checkpoint.origin;
  const uint64_t size = cp.checkpoint.size;
  v1::GetEntriesRequest request;
  request.set_origin(origin);
  request.set_begin(have);
  request.set_end(size);
  grpc::ClientContext context;
  Begin(context, options_.stream_deadline);
  auto reader = replication_->GetEntries(&context, request);
  uint64_t at = have;            // end of what was received
  uint64_t pending_from = have;  // start of what is received, not applied
  std::vector<Entry> pending;
  std::vector<Hash32> proof;  // from `at` to the checkpoint's size
  size_t bytes_in = 0;
  Status failure;
  v1::EntryChunk chunk;
  while (failure.ok() && reader->Read(&chunk)) {
    bytes_in += chunk.ByteSizeLong();
    auto checked = CheckChunk(chunk, at, size);
    if (!checked.ok()) {
      failure = checked.status();
      break;
    }
    pending.insert(pending.end(), checked->entries.begin(),
                   checked->entries.end());
    at += checked->entries.size();
    if (at < size) {
      proof = std::move(checked->proof);
      if (pending.size() < kApplyBatch) continue;
      failure = node_.replicator()
                    .ApplyPiece(cp, terms, pending_from, pending, proof)
                    .status();
    } else {
      failure = node_.replicator()
                    .ApplyRange(cp, terms, pending_from, pending)
                    .status();
    }
    if (failure.code() == StatusCode::kAlreadyExists) {
      // Another peer's pull of this origin got there first: not an error.
      context.TryCancel();
      reader->Finish();
      End(request.ByteSizeLong(), bytes_in);
      return Status::Ok();
    }
    if (failure.ok()) CountApplied(pending.size());
    pending_from = at;
    pending.clear();
  }
  if (failure.ok() && !pending.empty() && at < size) {
    // The stream ended early: keep the verified part for the next pull.
    Status kept = node_.replicator()
                      .ApplyPiece(cp, terms, pending_from, pending, proof)
                      .status();
    if (kept.ok()) {
      CountApplied(pending.size());
    } else if (kept.code() != StatusCode::kAlreadyExists) {
      failure = kept;
    }
  }
  if (!failure.ok()) context.TryCancel();
  grpc::Status finished = reader->Finish();
  End(request.ByteSizeLong(), bytes_in);
  IMEISYNC_RETURN_IF_ERROR(failure);
  IMEISYNC_RETURN_IF_ERROR(FromGrpc(finished));
  if (at != size) {
    return InvalidArgument("the peer sent entries up to " + std::to_string(at) +
                           " of " + origin + ", the checkpoint needs " +
                           std::to_string(size));
  }
  return Status::Ok();
}

}  // namespace imeisync::node::rpc
