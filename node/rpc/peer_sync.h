// The replication loop for one peer, on its own thread:
//   - pushes this node's new checkpoints to the peer (Announce);
//   - pulls what the peer announces, at once;
//   - every `interval`, a full round: bundle versions (Hello, then
//     GetBundle or OfferBundle), the peer's frontier, a pull of every
//     origin where the peer is ahead, and a state-root comparison; on error
//     the next round waits an exponential backoff with jitter.
// Nothing from the peer is applied before the origin's signature, the
// consistency with what is stored and the recomputed root all check out
// (core::Replicator::ApplyRange / ApplyPiece).
#ifndef IMEISYNC_NODE_RPC_PEER_SYNC_H_
#define IMEISYNC_NODE_RPC_PEER_SYNC_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "node/core/divergence_log.h"
#include "node/core/node.h"
#include "node/rpc/grpc_status.h"
#include "node/rpc/pull_claims.h"
#include "node/rpc/sync_events.h"
#include "node/rpc/tls.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

struct PeerSyncOptions {
  std::string id;        // the peer's node id; its certificate must say so
  std::string endpoint;  // host:port of its peer listener
  std::chrono::milliseconds interval{5000};           // between healthy rounds
  std::chrono::milliseconds min_backoff{250};         // first retry after error
  std::chrono::milliseconds max_backoff{30000};       // retry ceiling
  std::chrono::milliseconds rpc_deadline{5000};       // each unary call
  std::chrono::milliseconds stream_deadline{600000};  // one entry range
};

struct PeerSyncStatus {
  std::string id;
  std::string endpoint;
  uint64_t last_sync_ms = 0;  // Unix ms of the last success; 0 = never
  std::string last_error;     // "" after a success
  uint64_t rejected_batches = 0;
  uint64_t bytes_out = 0;
  uint64_t bytes_in = 0;
  uint64_t calls = 0;
  uint64_t entries_applied = 0;
};

class PeerSync {
 public:
  // `node`, `events`, `divergences` and `pulls` must outlive this object.
  PeerSync(core::Node& node, const TlsMaterial& tls, PeerSyncOptions options,
           SyncEvents& events, core::DivergenceLog& divergences,
           PullClaims& pulls);
  ~PeerSync();  // Stop()s
  PeerSync(const PeerSync&) = delete;
  PeerSync& operator=(const PeerSync&) = delete;

  void Start();
  // Cancels the call in flight and joins the thread. Idempotent. Never
  // from the peer's own thread (it cannot join itself): use RequestStop().
  void Stop();
  // Cancels the call in flight and tells the thread to end, without
  // waiting. Safe from any thread, the peer's own included.
  void RequestStop();

  // The peer announced these signed checkpoints: pull them now.
  void Wake(std::vector<Result<crypto::ParsedCheckpoint>> checkpoints);
  // Announce these checkpoints to the peer.
  void QueueAnnounce(const std::vector<std::string>& notes);
  // Run a full round as soon as possible (e.g. a new bundle).
  void RequestRound();

  const std::string& id() const { return options_.id; }
  PeerSyncStatus status() const;

 private:
  void Run();
  Status Round();
  Status ExchangeBundles();
  // Verifies `checkpoint` and pulls its origin's missing entries from the
  // peer; a checkpoint that did not parse is refused and counted.
  // `after_hello`: the bundles were just exchanged, so an origin the
  // bundle does not list is the peer's fault, not a stale bundle here.
  Status Pull(const Result<crypto::ParsedCheckpoint>& checkpoint,
              bool after_hello);
  // A checkpoint no larger than the `have` entries held: stored if it is
  // consistent, else kept as equivocation evidence (logged and counted).
  Status CheckHeld(const replication::VerifiedCheckpoint& cp,
                   const core::OriginTerms& terms, uint64_t have);
  Status PullRange(const replication::VerifiedCheckpoint& cp,
                   const core::OriginTerms& terms, uint64_t have);
  void CountApplied(uint64_t entries);
  Status CompareState(const v1::Frontier& theirs);
  Status SendAnnounce(std::vector<std::string> notes);

  // One unary Replication call with the rpc deadline, cancellable by
  // Stop() and counted in status.
  template <class Request, class Reply>
  Status Unary(grpc::Status (v1::Replication::Stub::*method)(
                   grpc::ClientContext*, const Request&, Reply*),
               const Request& request, Reply* reply) {
    grpc::ClientContext context;
    Begin(context, options_.rpc_deadline);
    grpc::Status s = (replication_.get()->*method)(&context, request, reply);
    End(request.ByteSizeLong(), reply->ByteSizeLong());
    return FromGrpc(s);
  }
  // Prepares `context` with `deadline` and registers it for Stop().
  void Begin(grpc::ClientContext& context, std::chrono::milliseconds deadline);
  void End(size_t bytes_out, size_t bytes_in);
  void Failed(const Status& s, bool rejected);

  core::Node& node_;
  const PeerSyncOptions options_;
  SyncEvents& events_;
  core::DivergenceLog& divergences_;
  PullClaims& pulls_;
  std::unique_ptr<v1::Replication::Stub> replication_;
  std::unique_ptr<v1::StateSync::Stub> state_sync_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                                       // guarded by mu_
  bool round_requested_ = true;                             // guarded by mu_
  std::vector<Result<crypto::ParsedCheckpoint>> incoming_;  // guarded by mu_
  std::vector<std::string> outgoing_;                       // guarded by mu_
  grpc::ClientContext* active_ = nullptr;                   // guarded by mu_
  PeerSyncStatus status_;                                   // guarded by mu_
  std::mt19937_64 rng_;                                     // thread_ only
  std::thread thread_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_PEER_SYNC_H_
