// imeisyncd: one node with its listeners and loops.
//   - the peer listener (gRPC over mutual TLS with the federation CA):
//     Replication and StateSync;
//   - the local listener on a unix socket (mode 0600): Admin, Check and
//     Audit;
//   - the HTTP listener, if configured: N5g-eir, /metrics, /healthz;
//   - the checkpointer, and one PeerSync per peer.
// `main()` only parses arguments, starts a Daemon and waits for a signal.
#ifndef IMEISYNC_NODE_RPC_DAEMON_H_
#define IMEISYNC_NODE_RPC_DAEMON_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "node/core/checkpointer.h"
#include "node/core/divergence_log.h"
#include "node/core/exporter.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/http/http_server.h"
#include "node/rpc/admin_service.h"
#include "node/rpc/audit_service.h"
#include "node/rpc/check_service.h"
#include "node/rpc/node_metrics.h"
#include "node/rpc/oprf_service.h"
#include "node/rpc/peer_sync.h"
#include "node/rpc/replication_service.h"
#include "node/rpc/sync_events.h"
#include "node/rpc/tls.h"
#include "node/tags/tag_cache.h"

namespace imeisync::node::rpc {

class Daemon final : public SyncEvents {
 public:
  // Opens the node and starts everything. Errors, each one line naming the
  // file or address: a bad config or key (InvalidArgument / NotFound /
  // FailedPrecondition), another imeisyncd on the same data dir
  // (FailedPrecondition), a listener that cannot bind (Unavailable).
  static Result<std::unique_ptr<Daemon>> Start(
      const federation::NodeConfig& config);
  ~Daemon() override;  // Shutdown()s

  // Stops the loops, then the listeners (calls in flight get 2 s), then
  // signs what the log holds unsigned. A write transaction in flight
  // commits or aborts whole. Idempotent.
  void Shutdown();

  core::Node& node() { return *node_; }

  // SyncEvents
  void OnAnnounce(
      const std::string& from,
      std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) override;
  void OnBundleChanged() override;
  void OnNewCheckpoints(const std::string& from,
                        const std::vector<std::string>& notes) override;

 private:
  Daemon() = default;
  // oprf mode: the Oprf service on the evaluator; on every other member,
  // tags from the evaluator behind the local tag cache.
  // Builds the checkpointer, exporter, device checks and the services,
  // each given the parts of the node it uses.
  Status MakeParts(const federation::NodeConfig& config);
  Status StartOprf();
  // Starts the peer listener (unless `listen` is empty), the admin socket
  // (mode 0600) and the HTTP listener (if `http_listen` is set).
  // Unavailable, naming the address, if one cannot listen.
  Status StartListeners(const federation::NodeConfig& config);
  // Creates PeerSyncs for peers the bundle now names and the config allows.
  void UpdatePeers();
  // Joins and frees the peers UpdatePeers() retired.
  void ReapRetiredPeers();
  void FillStatus(v1::NodeStatus* status);
  // The HTTP API's handler, with hooks into this daemon.
  http::HttpHandler HttpHandler();
  // Every second until Shutdown(), writes the first-seen days that checks
  // queued (DeviceChecks::RecordFirstSeen), and once more at the end.
  void RecordFirstSeenLoop();

  int lock_fd_ = -1;
  bool started_ = false;  // Start() completed
  std::unique_ptr<core::Node> node_;
  TlsMaterial tls_;
  core::DivergenceLog divergences_;
  PullClaims pulls_;
  std::unique_ptr<core::Checkpointer> checkpointer_;
  std::unique_ptr<core::Exporter> exporter_;  // runs on ministry members
  std::unique_ptr<ReplicationService> replication_;
  std::unique_ptr<StateSyncService> state_sync_;
  std::unique_ptr<core::DeviceChecks> checks_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<CheckService> check_;
  std::unique_ptr<AuditService> audit_;
  std::unique_ptr<OprfService> oprf_;  // the OPRF evaluator only
  // oprf mode, other members: the tag cache's counters.
  std::shared_ptr<tags::TagCacheCounters> tag_counters_;
  NodeMetrics metrics_;
  std::unique_ptr<grpc::Server> peer_server_;
  std::unique_ptr<grpc::Server> admin_server_;
  std::unique_ptr<http::HttpServer> http_server_;

  std::thread first_seen_thread_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_

  std::mutex peers_mu_;
  std::map<std::string, std::unique_ptr<PeerSync>> peers_;  // peers_mu_
  // Peers a new bundle dropped, told to stop, not yet joined.  peers_mu_
  std::vector<std::unique_ptr<PeerSync>> retired_;
  bool shut_down_ = false;  // peers_mu_
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_DAEMON_H_
