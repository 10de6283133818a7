// In-process fixtures for the rpc services' tests: a federation made with
// the real setup code, one node open in this process, and its services
// served by a real gRPC server (the peer services over mutual TLS on
// 127.0.0.1 with an ephemeral port, the local ones on a unix socket), so
// that each call carries the caller's certificate as a daemon's would.
#ifndef IMEISYNC_TESTS_NODE_RPC_RPC_FIXTURE_H_
#define IMEISYNC_TESTS_NODE_RPC_RPC_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "node/core/checkpointer.h"
#include "node/core/device_checks.h"
#include "node/core/node.h"
#include "node/federation/bundle.h"
#include "node/rpc/admin_service.h"
#include "node/rpc/audit_service.h"
#include "node/rpc/check_service.h"
#include "node/rpc/oprf_service.h"
#include "node/rpc/replication_service.h"
#include "node/rpc/sync_events.h"
#include "node/rpc/tls.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/support/node_federation.h"
#include "tests/support/temp_dir.h"

namespace imeisync::testing {

// Federation "kz" on disk: ministry, op1, op2 (operators), aud (auditor)
// and, in salted mode, fx (a foreign member linked through ministry's
// export log). Every member holds the same bundle, except "late", added
// afterwards: its certificate is valid, but no other member knows it.
// In oprf mode ministry is the OPRF evaluator and every operator has a
// budget of `oprf_budget` per epoch.
class RpcFederation {
 public:
  explicit RpcFederation(
      node::federation::TagMode mode = node::federation::TagMode::kSalted,
      uint64_t oprf_budget = 10);

  // Opens member `id`'s node in this process.
  std::unique_ptr<node::core::Node> Open(const std::string& id) const;
  // ca.crt, tls.key and tls.crt of member `id`, to call as it.
  node::rpc::TlsMaterial Tls(const std::string& id) const;
  const node::federation::Bundle& bundle() const { return *bundle_; }
  std::string Origin(const std::string& id) const {
    return "imeisync/kz/" + id;
  }
  // ministry's export log for the foreign member fx.
  std::string ExportOrigin() const { return "imeisync/kz/ministry/export/fx"; }
  std::string File(const std::string& name) const { return tmp_.File(name); }

 private:
  void Add(const std::string& id, node::federation::Role role);

  TempDir tmp_;
  std::optional<node::federation::Bundle> bundle_;
};

// What the services told the daemon, kept for assertions.
class RecordingEvents final : public node::rpc::SyncEvents {
 public:
  struct Announce {
    std::string from;
    std::vector<Result<crypto::ParsedCheckpoint>> checkpoints;
  };
  void OnAnnounce(
      const std::string& from,
      std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) override;
  void OnBundleChanged() override;
  void OnNewCheckpoints(const std::string& from,
                        const std::vector<std::string>& notes) override;

  std::vector<Announce> announces();
  int bundle_changes();
  std::vector<std::string> new_checkpoints();

 private:
  std::mutex mu_;
  std::vector<Announce> announces_;     // guarded by mu_
  int bundle_changes_ = 0;              // guarded by mu_
  std::vector<std::string> new_notes_;  // guarded by mu_
};

// `node`'s services, wired as imeisyncd wires them, behind two real gRPC
// servers. The Oprf service is served when the node holds an oprf_key.
class ServedNode {
 public:
  // `node` and `fed` must outlive this.
  ServedNode(const RpcFederation& fed, node::core::Node& node);
  ~ServedNode();

  node::core::Node& node() { return node_; }
  RecordingEvents& events() { return events_; }

  // Stubs on the peer listener, calling as member `caller`.
  std::unique_ptr<v1::Replication::Stub> Replication(const std::string& caller);
  std::unique_ptr<v1::StateSync::Stub> StateSync(const std::string& caller);
  std::unique_ptr<v1::Oprf::Stub> Oprf(const std::string& caller);
  // Stubs on the local unix socket.
  std::unique_ptr<v1::Admin::Stub> Admin();
  std::unique_ptr<v1::Check::Stub> Check();
  std::unique_ptr<v1::Audit::Stub> Audit();

  // The size of `origin`'s log as this node holds it.
  uint64_t LogSize(const std::string& origin);

 private:
  std::shared_ptr<grpc::Channel> PeerChannel(const std::string& caller);

  const RpcFederation& fed_;
  node::core::Node& node_;
  RecordingEvents events_;
  std::unique_ptr<node::core::Checkpointer> checkpointer_;
  std::unique_ptr<node::core::DeviceChecks> checks_;
  std::unique_ptr<node::rpc::ReplicationService> replication_;
  std::unique_ptr<node::rpc::StateSyncService> state_sync_;
  std::unique_ptr<node::rpc::AdminService> admin_;
  std::unique_ptr<node::rpc::CheckService> check_;
  std::unique_ptr<node::rpc::AuditService> audit_;
  std::unique_ptr<node::rpc::OprfService> oprf_;
  std::unique_ptr<grpc::Server> peer_server_;
  std::unique_ptr<grpc::Server> local_server_;
  std::string peer_address_;
  std::string local_address_;
};

// A context with a 10 s deadline: a hung call fails instead of hanging.
std::unique_ptr<grpc::ClientContext> Ctx();

// Submits BLOCK STOLEN for `imeis` to `node`'s own log and signs it.
void SubmitSigned(node::core::Node& node,
                  const std::vector<std::string>& imeis);

// `count` valid 15-digit IMEIs from the 14-digit core `first` on.
std::vector<std::string> Imeis(uint64_t first, size_t count);

// op1 open and served, with one device blocked (STOLEN) in its own signed
// log: the base of the tests that ask op1 about a device.
struct ServedOp1WithBlock {
  RpcFederation fed;
  std::unique_ptr<node::core::Node> op1 = fed.Open("op1");
  ServedNode served{fed, *op1};
  const std::string blocked = Imeis(35209900176148, 1)[0];

  ServedOp1WithBlock() { SubmitSigned(*op1, {blocked}); }
};

// A message-bearing check of a gRPC status: code and a substring.
#define BOOST_CHECK_GRPC(status, code, part)                                 \
  do {                                                                       \
    const grpc::Status _g = (status);                                        \
    BOOST_TEST(_g.error_code() == (code), _g.error_message());               \
    BOOST_TEST(_g.error_message().find(part) != std::string::npos,           \
               "\"" << _g.error_message() << "\" lacks \"" << part << "\""); \
  } while (0)

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_NODE_RPC_RPC_FIXTURE_H_
