// The peer listener's services: Replication and StateSync of
// proto/imeisync.proto. Every call is authorised by the caller's
// certificate (its SAN is its node id) against the current bundle, and
// every origin a call names by core::MayRead (node/core/links.h): a
// foreign member reads its own log and its link's export log and nothing
// else, export logs go to their link's member only, and StateSync is
// refused to foreign members (PERMISSION_DENIED).
#ifndef IMEISYNC_NODE_RPC_REPLICATION_SERVICE_H_
#define IMEISYNC_NODE_RPC_REPLICATION_SERVICE_H_

#include "node/core/node.h"
#include "node/rpc/sync_events.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

class ReplicationService final : public v1::Replication::Service {
 public:
  // `node` and `events` must outlive the service.
  ReplicationService(core::Node& node, SyncEvents& events)
      : node_(node), events_(events) {}

  grpc::Status Hello(grpc::ServerContext* context,
                     const v1::HelloRequest* request,
                     v1::HelloResponse* response) override;
  grpc::Status GetBundle(grpc::ServerContext* context,
                         const v1::GetBundleRequest* request,
                         v1::SignedBundle* response) override;
  grpc::Status OfferBundle(grpc::ServerContext* context,
                           const v1::SignedBundle* request,
                           v1::OfferBundleResponse* response) override;
  grpc::Status GetFrontier(grpc::ServerContext* context,
                           const v1::GetFrontierRequest* request,
                           v1::Frontier* response) override;
  grpc::Status GetCheckpoint(grpc::ServerContext* context,
                             const v1::GetCheckpointRequest* request,
                             v1::Checkpoint* response) override;
  grpc::Status GetEntries(grpc::ServerContext* context,
                          const v1::GetEntriesRequest* request,
                          grpc::ServerWriter<v1::EntryChunk>* writer) override;
  grpc::Status GetConsistency(grpc::ServerContext* context,
                              const v1::GetConsistencyRequest* request,
                              v1::ConsistencyProof* response) override;
  grpc::Status Announce(grpc::ServerContext* context,
                        const v1::AnnounceRequest* request,
                        v1::AnnounceResponse* response) override;

 private:
  core::Node& node_;
  SyncEvents& events_;
};

class StateSyncService final : public v1::StateSync::Service {
 public:
  explicit StateSyncService(core::Node& node) : node_(node) {}

  grpc::Status GetSubtree(grpc::ServerContext* context,
                          const v1::SubtreeRequest* request,
                          v1::Subtree* response) override;
  grpc::Status GetLeaves(grpc::ServerContext* context,
                         const v1::SubtreeRequest* request,
                         v1::Leaves* response) override;

 private:
  core::Node& node_;
};

// The caller's member record in the node's current bundle:
// UNAUTHENTICATED without a usable certificate, PERMISSION_DENIED for a
// certified caller that the bundle does not list.
Result<federation::Member> AuthorizeMember(const grpc::ServerContext& context,
                                           const core::Node& node);

// Fills a wire Frontier from a snapshot.
void ToProto(const core::NodeSnapshot& snapshot, uint64_t bundle_version,
             v1::Frontier* out);

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_REPLICATION_SERVICE_H_
