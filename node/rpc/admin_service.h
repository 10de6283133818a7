// The local admin API (Admin in proto/imeisync.proto), served only on the
// node's unix socket: submit, status, bundle publishing and the local-only
// data.
#ifndef IMEISYNC_NODE_RPC_ADMIN_SERVICE_H_
#define IMEISYNC_NODE_RPC_ADMIN_SERVICE_H_

#include <functional>

#include "node/core/checkpointer.h"
#include "node/core/device_checks.h"
#include "node/core/node.h"
#include "node/rpc/sync_events.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

class AdminService final : public v1::Admin::Service {
 public:
  // Fills the parts of a status only the daemon knows: peers and
  // divergences.
  using StatusFiller = std::function<void(v1::NodeStatus*)>;

  // Everything must outlive the service.
  AdminService(core::Node& node, core::DeviceChecks& checks,
               core::Checkpointer& checkpointer, SyncEvents& events,
               StatusFiller fill_status)
      : node_(node),
        checks_(checks),
        checkpointer_(checkpointer),
        events_(events),
        fill_status_(std::move(fill_status)) {}

  grpc::Status Submit(grpc::ServerContext* context,
                      const v1::SubmitRequest* request,
                      v1::SubmitResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context,
                      const v1::StatusRequest* request,
                      v1::NodeStatus* response) override;
  // What Status() answers; without `sign_state_head` the state head is left
  // empty, which saves an Ed25519 signature (for /metrics scrapes).
  grpc::Status Collect(v1::NodeStatus* response, bool sign_state_head);
  grpc::Status PublishBundle(grpc::ServerContext* context,
                             const v1::SignedBundle* request,
                             v1::OfferBundleResponse* response) override;
  grpc::Status LocalPair(grpc::ServerContext* context,
                         const v1::LocalPairRequest* request,
                         v1::LocalResponse* response) override;
  grpc::Status LocalUnpair(grpc::ServerContext* context,
                           const v1::LocalPairRequest* request,
                           v1::LocalResponse* response) override;
  grpc::Status PrefetchTags(grpc::ServerContext* context,
                            const v1::PrefetchTagsRequest* request,
                            v1::PrefetchTagsResponse* response) override;
  grpc::Status LocalSeen(grpc::ServerContext* context,
                         const v1::LocalSeenRequest* request,
                         v1::LocalResponse* response) override;

 private:
  core::Node& node_;
  core::DeviceChecks& checks_;
  core::Checkpointer& checkpointer_;
  SyncEvents& events_;
  StatusFiller fill_status_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_ADMIN_SERVICE_H_
