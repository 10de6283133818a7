// The Oprf service of proto/imeisync.proto, on the OPRF evaluator's peer
// listener (oprf mode; docs/threat-model.md). It answers blinded P-256
// points with the VOPRF evaluation and one batched DLEQ proof, and charges
// each element to the caller's budget for the epoch (core/oprf_budget.h).
// It never sees an IMEI or a tag, and logs only counts.
#ifndef IMEISYNC_NODE_RPC_OPRF_SERVICE_H_
#define IMEISYNC_NODE_RPC_OPRF_SERVICE_H_

#include <memory>

#include "base/status.h"
#include "crypto/oprf.h"
#include "node/core/node.h"
#include "node/tags/oprf_budget.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

// At most this many elements per BlindEvaluate call.
inline constexpr int kMaxOprfCallElements = 10'000;

class OprfService final : public v1::Oprf::Service {
 public:
  // Loads the node's oprf_key (node.toml). FailedPrecondition if the node
  // has none or it is not the key of the bundle's [oprf] table.
  // `node` must outlive the service.
  static Result<std::unique_ptr<OprfService>> Create(core::Node& node);

  grpc::Status BlindEvaluate(grpc::ServerContext* context,
                             const v1::BlindEvaluateRequest* request,
                             v1::BlindEvaluateResponse* response) override;

 private:
  OprfService(core::Node& node, crypto::OprfPrivateKey key,
              tags::OprfBudgets budgets);
  Status Evaluate(const grpc::ServerContext& context,
                  const v1::BlindEvaluateRequest& request,
                  v1::BlindEvaluateResponse& response);
  // FailedPrecondition unless this node is `b`'s evaluator with the key
  // `b` names; Unavailable if the caller's `epoch` is not `b`'s.
  Status CheckEvaluator(const federation::Bundle& b, uint64_t epoch) const;
  // The OPRF budget of `caller_id` in `b`: PermissionDenied if it is no
  // member of `b` or has none.
  static Result<uint64_t> BudgetOf(const federation::Bundle& b,
                                   const std::string& caller_id);

  core::Node& node_;
  const crypto::OprfPrivateKey key_;
  const crypto::P256Element public_key_;
  const tags::OprfBudgets budgets_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_OPRF_SERVICE_H_
