// The Audit API (Audit in proto/imeisync.proto) on the local listener:
// device proofs for auditors and the node's own admins.
#ifndef IMEISYNC_NODE_RPC_AUDIT_SERVICE_H_
#define IMEISYNC_NODE_RPC_AUDIT_SERVICE_H_

#include "node/core/checkpointer.h"
#include "node/core/node.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

class AuditService final : public v1::Audit::Service {
 public:
  // Both must outlive the service.
  AuditService(core::Node& node, core::Checkpointer& checkpointer)
      : node_(node), checkpointer_(checkpointer) {}

  // Builds the proof (node/proofs/prover.h). A register whose entry no
  // signed checkpoint covers yet is waited for, up to about 2 s (the
  // checkpointer signs every 200 ms); after that UNAVAILABLE.
  grpc::Status Prove(grpc::ServerContext* context,
                     const v1::ProveRequest* request,
                     v1::ProveResponse* response) override;

 private:
  core::Node& node_;
  core::Checkpointer& checkpointer_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_AUDIT_SERVICE_H_
