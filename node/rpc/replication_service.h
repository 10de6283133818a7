// The peer listener's services: Replication and StateSync of
// proto/imeisync.proto. Every call is authorised by the caller's
// certificate (its SAN is its node id) against the current bundle, and
// every origin a call names by federation::MayRead (node/federation/links.h): a
// foreign member reads its own log and its link's export log and nothing
// else, export logs go to their link's member only, and StateSync is
// refused to foreign members (PERMISSION_DENIED).
#ifndef IMEISYNC_NODE_RPC_REPLICATION_SERVICE_H_
#define IMEISYNC_NODE_RPC_REPLICATION_SERVICE_H_

#include "node/core/bundle_holder.h"
#include "node/core/state_heads.h"
#include "node/core/store_reads.h"
#include "node/core/witnessing.h"
#include "node/rpc/sync_events.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

class ReplicationService final : public v1::Replication::Service {
 public:
  // Every argument must outlive the service.
  ReplicationService(core::BundleHolder& bundles, const core::StateHeads& heads,
                     const core::StoreReads& reads,
                     core::Witnessing& witnessing, SyncEvents& events)
      : bundles_(bundles),
        heads_(heads),
        reads_(reads),
        witnessing_(witnessing),
        events_(events) {}

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
  // The caller is a member (AuthorizeMember) that may read `origin`
  // (federation::MayRead); PermissionDenied or Unauthenticated otherwise.
  Status AdmitRead(const grpc::ServerContext& context,
                   std::string_view origin) const;

  core::BundleHolder& bundles_;
  const core::StateHeads& heads_;
  const core::StoreReads& reads_;
  core::Witnessing& witnessing_;
  SyncEvents& events_;
};

class StateSyncService final : public v1::StateSync::Service {
 public:
  // Both must outlive the service.
  StateSyncService(const core::BundleHolder& bundles,
                   const core::StoreReads& reads)
      : bundles_(bundles), reads_(reads) {}

  grpc::Status GetSubtree(grpc::ServerContext* context,
                          const v1::SubtreeRequest* request,
                          v1::Subtree* response) override;
  grpc::Status GetLeaves(grpc::ServerContext* context,
                         const v1::SubtreeRequest* request,
                         v1::Leaves* response) override;

 private:
  // The caller and the prefix of a StateSync call, once both are checked.
  Result<merkle::NibblePrefix> Admit(const grpc::ServerContext& context,
                                     const v1::SubtreeRequest& request,
                                     std::string_view what) const;

  const core::BundleHolder& bundles_;
  const core::StoreReads& reads_;
};

// The caller's member record in the node's current bundle:
// UNAUTHENTICATED without a usable certificate, PERMISSION_DENIED for a
// certified caller that the bundle does not list.
Result<federation::Member> AuthorizeMember(const grpc::ServerContext& context,
                                           const core::BundleHolder& bundles);

// Fills a wire Frontier from a snapshot.
void ToProto(const core::NodeSnapshot& snapshot, uint64_t bundle_version,
             v1::Frontier* out);

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_REPLICATION_SERVICE_H_
