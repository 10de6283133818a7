#include "node/rpc/audit_service.h"

#include <thread>

#include "node/imei.h"
#include "node/proofs/prover.h"
#include "node/rpc/grpc_status.h"

namespace imeisync::node::rpc {
namespace {

constexpr int kAttempts = 10;
constexpr std::chrono::milliseconds kRetryWait{200};

Result<Hash32> TagOf(core::Node& node, const v1::ProveRequest& r) {
  const bool has_imei = !r.imei().empty();
  const bool has_tag = !r.tag().empty();
  if (has_imei == has_tag) {
    return InvalidArgument("give either an IMEI or a tag, not " +
                           std::string(has_imei ? "both" : "neither"));
  }
  if (has_tag) {
    if (r.tag().size() != 32) {
      return InvalidArgument("a tag is 32 bytes, got " +
                             std::to_string(r.tag().size()));
    }
    Hash32 tag;
    std::copy(r.tag().begin(), r.tag().end(), tag.begin());
    return tag;
  }
  IMEISYNC_ASSIGN_OR_RETURN(Imei imei, Imei::Parse(r.imei()));
  return node.tags().TagOf(imei.imei14());
}

}  // namespace

grpc::Status AuditService::Prove(grpc::ServerContext* context,
                                 const v1::ProveRequest* request,
                                 v1::ProveResponse* response) {
  auto tag = TagOf(node_, *request);
  if (!tag.ok()) return ToGrpc(tag.status());
  Result<proofs::DeviceProof> proof = Unavailable("not attempted");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    proof = proofs::BuildDeviceProof(node_, *tag);
    if (proof.ok() || proof.status().code() != StatusCode::kUnavailable ||
        context->IsCancelled()) {
      break;
    }
    // Entries not yet signed: own ones are signed within an interval; a
    // range being pulled gets its checkpoint when the pull completes.
    checkpointer_.Notify();
    std::this_thread::sleep_for(kRetryWait);
  }
  if (!proof.ok()) return ToGrpc(proof.status());
  response->set_proof_json(proofs::EncodeDeviceProof(*proof));
  return grpc::Status::OK;
}

}  // namespace imeisync::node::rpc
