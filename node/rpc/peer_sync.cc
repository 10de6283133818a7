#include "node/rpc/peer_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "base/clock.h"
#include "base/hex.h"
#include "node/merkle/state_diff.h"
#include "node/rpc/grpc_status.h"
#include "node/rpc/remote_state_view.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

using Clock = std::chrono::steady_clock;

// Differing register keys written to the log per divergence.
constexpr size_t kLoggedKeys = 20;

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

PeerSync::PeerSync(core::Node& node, const TlsMaterial& tls,
                   PeerSyncOptions options, SyncEvents& events,
                   core::DivergenceLog& divergences, PullClaims& pulls)
    : node_(node),
      options_(std::move(options)),
      events_(events),
      divergences_(divergences),
      pulls_(pulls),
      rng_(std::random_device{}()) {
  auto channel = PeerChannel(tls, options_.endpoint, options_.id);
  replication_ = v1::Replication::NewStub(channel);
  state_sync_ = v1::StateSync::NewStub(channel);
  status_.id = options_.id;
  status_.endpoint = options_.endpoint;
}

PeerSync::~PeerSync() { Stop(); }

void PeerSync::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PeerSync::RequestStop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (active_) active_->TryCancel();
  }
  cv_.notify_all();
}

void PeerSync::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void PeerSync::Wake(std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) {
  {
    std::lock_guard lock(mu_);
    for (auto& c : checkpoints) incoming_.push_back(std::move(c));
  }
  cv_.notify_all();
}

void PeerSync::QueueAnnounce(const std::vector<std::string>& notes) {
  // The origin line of a note; a newer note of one origin replaces the
  // queued one (a larger checkpoint, or the same with more cosignatures),
  // so the queue holds at most one note per origin.
  auto origin_of = [](const std::string& note) {
    return std::string_view(note).substr(0, note.find('\n'));
  };
  {
    std::lock_guard lock(mu_);
    for (const std::string& n : notes) {
      auto same = std::find_if(
          outgoing_.begin(), outgoing_.end(),
          [&](const std::string& q) { return origin_of(q) == origin_of(n); });
      if (same != outgoing_.end()) {
        *same = n;
      } else {
        outgoing_.push_back(n);
      }
    }
  }
  cv_.notify_all();
}

void PeerSync::RequestRound() {
  {
    std::lock_guard lock(mu_);
    round_requested_ = true;
  }
  cv_.notify_all();
}

PeerSyncStatus PeerSync::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void PeerSync::Begin(grpc::ClientContext& context,
                     std::chrono::milliseconds deadline) {
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  std::lock_guard lock(mu_);
  active_ = &context;
  if (stop_) context.TryCancel();
}

void PeerSync::End(size_t bytes_out, size_t bytes_in) {
  std::lock_guard lock(mu_);
  active_ = nullptr;
  status_.bytes_out += bytes_out;
  status_.bytes_in += bytes_in;
  ++status_.calls;
}

void PeerSync::Failed(const Status& s, bool rejected) {
  std::lock_guard lock(mu_);
  status_.last_error = s.ToString();
  if (rejected) ++status_.rejected_batches;
}

void PeerSync::Run() {
  auto backoff = options_.min_backoff;
  auto next_round = Clock::now();
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_until(lock, next_round, [&] {
      return stop_ || round_requested_ || !incoming_.empty() ||
             !outgoing_.empty();
    });
    if (stop_) break;
    std::vector<std::string> out;
    std::vector<Result<crypto::ParsedCheckpoint>> in;
    out.swap(outgoing_);
    in.swap(incoming_);
    const bool round = round_requested_ || Clock::now() >= next_round;
    round_requested_ = false;
    lock.unlock();

    if (!out.empty()) {
      if (Status s = SendAnnounce(std::move(out)); !s.ok()) {
        spdlog::debug("announce to {} failed: {}", options_.id, s.ToString());
      }
    }
    bool pulled_ok = true;
    for (const Result<crypto::ParsedCheckpoint>& c : in) {
      if (Status s = Pull(c, false); !s.ok()) pulled_ok = false;
    }
    if (!in.empty() && pulled_ok) {
      std::lock_guard g(mu_);
      status_.last_sync_ms = UnixMillis();
      status_.last_error.clear();
    }
    if (round) {
      Status s = Round();
      if (s.ok()) {
        if (backoff != options_.min_backoff) {
          spdlog::info("syncing with {} again", options_.id);
        }
        backoff = options_.min_backoff;
        next_round = Clock::now() + options_.interval;
        std::lock_guard g(mu_);
        status_.last_sync_ms = UnixMillis();
        status_.last_error.clear();
      } else {
        // The first failure after a success is a warning; the retries
        // that follow are debug, so a peer that is down does not flood
        // the log.
        if (backoff == options_.min_backoff) {
          spdlog::warn("sync round with {} failed: {}; retrying with backoff",
                       options_.id, s.ToString());
        }
        Failed(s, false);
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        next_round = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        backoff * jitter(rng_));
        backoff = std::min(backoff * 2, options_.max_backoff);
        spdlog::debug("sync round with {} failed: {}", options_.id,
                      s.ToString());
      }
    }
    lock.lock();
  }
}

Status PeerSync::SendAnnounce(std::vector<std::string> notes) {
  v1::AnnounceRequest request;
  for (std::string& n : notes)
    request.add_checkpoints()->set_note(std::move(n));
  v1::AnnounceResponse reply;
  return Unary(&v1::Replication::Stub::Announce, request, &reply);
}

Status PeerSync::ExchangeBundles() {
  auto bundle = node_.bundles().Current();
  v1::HelloRequest hello;
  hello.set_bundle_version(bundle->bundle.version);
  v1::HelloResponse reply;
  IMEISYNC_RETURN_IF_ERROR(Unary(&v1::Replication::Stub::Hello, hello, &reply));
  if (reply.bundle_version() < bundle->bundle.version) {
    v1::SignedBundle offer;
    offer.set_toml(bundle->toml);
    offer.set_signature(bundle->signature);
    v1::OfferBundleResponse offered;
    Status s = Unary(&v1::Replication::Stub::OfferBundle, offer, &offered);
    if (!s.ok()) {
      spdlog::warn("{} refused our bundle version {}: {}", options_.id,
                   bundle->bundle.version, s.message());
    } else {
      spdlog::info("{} took our bundle version {}", options_.id,
                   bundle->bundle.version);
    }
  } else if (reply.bundle_version() > bundle->bundle.version) {
    v1::GetBundleRequest request;
    v1::SignedBundle theirs;
    IMEISYNC_RETURN_IF_ERROR(
        Unary(&v1::Replication::Stub::GetBundle, request, &theirs));
    auto version = node_.bundles().Offer(theirs.toml(), theirs.signature());
    if (!version.ok()) {
      spdlog::warn("refused bundle version {} from {}: {}",
                   reply.bundle_version(), options_.id,
                   version.status().ToString());
      Failed(version.status(), true);
    } else {
      spdlog::info("installed bundle version {} from {}", *version,
                   options_.id);
      events_.OnBundleChanged();
    }
  }
  return Status::Ok();
}

Status PeerSync::Round() {
  IMEISYNC_RETURN_IF_ERROR(ExchangeBundles());
  v1::GetFrontierRequest request;
  v1::Frontier frontier;
  IMEISYNC_RETURN_IF_ERROR(
      Unary(&v1::Replication::Stub::GetFrontier, request, &frontier));
  Status first_error;
  for (const v1::OriginHead& head : frontier.origins()) {
    const std::string& note = head.checkpoint().note();
    if (note.empty() || head.frozen()) continue;
    if (Status s = Pull(crypto::ParseSignedCheckpoint(note), true);
        !s.ok() && first_error.ok())
      first_error = s;
  }
  IMEISYNC_RETURN_IF_ERROR(first_error);
  return CompareState(frontier);
}

Status PeerSync::Pull(const Result<crypto::ParsedCheckpoint>& parsed,
                      bool after_hello) {
  auto cp = parsed.ok()
                ? node_.replicator().VerifyCheckpoint(*parsed)
                : Result<replication::VerifiedCheckpoint>(parsed.status());
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
  auto gained = node_.witnessing().AddCosignatures(*parsed);
  if (!gained.ok()) return gained.status();
  if (*gained) events_.OnNewCheckpoints("", {**gained});
  if (cp->checkpoint.origin == node_.origin() ||
      node_.state_heads().IsOwnExportLog(cp->checkpoint.origin)) {
    return Status::Ok();
  }
  auto head = node_.reads().Head(cp->checkpoint.origin);
  if (!head.ok()) return head.status();
  if (cp->checkpoint.size <= head->size) {
    auto outcome = node_.replicator().ApplyRange(*cp, head->size, {});
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
          cp->checkpoint.origin, options_.id, cp->checkpoint.size);
      Failed(DataLoss("equivocation by " + cp->checkpoint.origin), true);
    }
    return Status::Ok();
  }
  // One pull per origin at a time across all peers: a mesh would otherwise
  // fetch the same range from every peer that announces it.
  PullClaim claim(pulls_, cp->checkpoint.origin);
  if (!claim.held()) return Status::Ok();  // a later round looks again
  Status s = PullRange(*cp, head->size);
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

Status PeerSync::PullRange(const replication::VerifiedCheckpoint& cp,
                           uint64_t have) {
  const std::string& origin = cp.checkpoint.origin;
  v1::GetEntriesRequest request;
  request.set_origin(origin);
  request.set_begin(have);
  request.set_end(cp.checkpoint.size);
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
    if (chunk.first_index() != at) {
      failure = InvalidArgument("chunk starts at " +
                                std::to_string(chunk.first_index()) +
                                ", expected " + std::to_string(at));
      break;
    }
    if (chunk.entries().size() > kMaxChunkBytes || chunk.entries().empty()) {
      failure =
          InvalidArgument("chunk of " + std::to_string(chunk.entries().size()) +
                          " bytes: must hold 1 entry to 1 MiB");
      break;
    }
    auto entries = UnpackEntries(chunk.entries(), at);
    if (!entries.ok()) {
      failure = entries.status();
      break;
    }
    const uint64_t end = at + entries->size();
    if (end > cp.checkpoint.size) {
      failure = InvalidArgument("chunk runs past the checkpoint's size " +
                                std::to_string(cp.checkpoint.size));
      break;
    }
    pending.insert(pending.end(), entries->begin(), entries->end());
    at = end;
    if (end < cp.checkpoint.size) {
      // Each chunk proves its own end a prefix of the signed log; the
      // proof of the last buffered chunk covers the whole buffer.
      proof.clear();
      for (const std::string& h : chunk.consistency()) {
        auto hash = ParseHash(h, "consistency proof hash");
        if (!hash.ok()) {
          failure = hash.status();
          break;
        }
        proof.push_back(*hash);
      }
      if (!failure.ok()) break;
      if (pending.size() < kApplyBatch) continue;
      failure = node_.replicator()
                    .ApplyPiece(cp, pending_from, pending, proof)
                    .status();
    } else {
      failure =
          node_.replicator().ApplyRange(cp, pending_from, pending).status();
    }
    if (failure.code() == StatusCode::kAlreadyExists) {
      // Another peer's pull of this origin got there first: not an error.
      context.TryCancel();
      reader->Finish();
      End(request.ByteSizeLong(), bytes_in);
      return Status::Ok();
    }
    if (failure.ok()) {
      std::lock_guard lock(mu_);
      status_.entries_applied += pending.size();
    }
    pending_from = at;
    pending.clear();
  }
  if (failure.ok() && !pending.empty() && at < cp.checkpoint.size) {
    // The stream ended early: keep the verified part for the next pull.
    Status kept = node_.replicator()
                      .ApplyPiece(cp, pending_from, pending, proof)
                      .status();
    if (kept.ok()) {
      std::lock_guard lock(mu_);
      status_.entries_applied += pending.size();
    } else if (kept.code() != StatusCode::kAlreadyExists) {
      failure = kept;
    }
  }
  if (!failure.ok()) context.TryCancel();
  grpc::Status finished = reader->Finish();
  End(request.ByteSizeLong(), bytes_in);
  IMEISYNC_RETURN_IF_ERROR(failure);
  IMEISYNC_RETURN_IF_ERROR(FromGrpc(finished));
  if (at != cp.checkpoint.size) {
    return InvalidArgument("the peer sent entries up to " + std::to_string(at) +
                           " of " + origin + ", the checkpoint needs " +
                           std::to_string(cp.checkpoint.size));
  }
  return Status::Ok();
}

Status PeerSync::CompareState(const v1::Frontier& theirs) {
  {
    // Across a link the two sides hold different logs by design, and a
    // foreign member is shown no state root.
    auto bundle = node_.bundles().Current();
    const federation::Member* peer = bundle->bundle.FindMember(options_.id);
    if (node_.bundles().role() == federation::Role::kForeign ||
        (peer != nullptr && peer->role == federation::Role::kForeign)) {
      return Status::Ok();
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 their_root,
                            ParseHash(theirs.state_root(), "state root"));
  IMEISYNC_ASSIGN_OR_RETURN(
      core::NodeSnapshot ours,
      node_.state_heads().Snapshot(/*sign_state_head=*/false));
  if (ours.origins.size() != static_cast<size_t>(theirs.origins_size())) {
    return Status::Ok();
  }
  for (size_t i = 0; i < ours.origins.size(); ++i) {
    const v1::OriginHead& t = theirs.origins(static_cast<int>(i));
    const core::OriginState& o = ours.origins[i];
    if (t.origin() != o.origin || t.size() != o.head.size ||
        t.root() != HashBytes(o.head.root)) {
      return Status::Ok();  // different frontiers: roots may differ
    }
  }
  if (their_root == ours.state_root) return Status::Ok();

  // Equal frontiers, different roots: find the registers that differ.
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn,
                            node_.storage().env().BeginRead());
  merkle::LocalStateView local(node_.storage().fold().tree(), txn);
  RemoteStateView remote(*state_sync_, options_.rpc_deadline);
  auto diff = merkle::DiffStateTrees(local, remote);
  if (!diff.ok()) return diff.status();
  core::DivergenceRecord record{options_.id, UnixMillis(), diff->size(),
                                ours.state_root, their_root};
  if (divergences_.Record(record)) {
    spdlog::error(
        "DIVERGENCE with {}: equal frontiers ({} origins) but state roots "
        "{} (ours) and {} (theirs); {} registers differ",
        options_.id, ours.origins.size(), HexEncode(ours.state_root),
        HexEncode(their_root), diff->size());
    for (size_t i = 0; i < diff->size() && i < kLoggedKeys; ++i) {
      const auto& d = (*diff)[i];
      spdlog::error("  register {}: ours {} theirs {}", HexEncode(d.key),
                    d.a ? HexEncode(*d.a) : "absent",
                    d.b ? HexEncode(*d.b) : "absent");
    }
  }
  return Status::Ok();
}

}  // namespace imeisync::node::rpc
