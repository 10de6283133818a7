#include "node/rpc/oprf_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "node/rpc/grpc_status.h"
#include "node/rpc/replication_service.h"

namespace imeisync::node::rpc {

Result<std::unique_ptr<OprfService>> OprfService::Create(core::Node& node) {
  const std::string& path = node.config().oprf_key;
  if (path.empty()) {
    return FailedPrecondition("node " + node.id() +
                              " has no oprf_key in node.toml");
  }
  IMEISYNC_ASSIGN_OR_RETURN(crypto::OprfPrivateKey key,
                            crypto::OprfPrivateKey::LoadFile(path));
  IMEISYNC_ASSIGN_OR_RETURN(tags::OprfBudgets budgets,
                            tags::OprfBudgets::Open(node.storage().env()));
  return std::unique_ptr<OprfService>(
      new OprfService(node, std::move(key), budgets));
}

OprfService::OprfService(core::Node& node, crypto::OprfPrivateKey key,
                         tags::OprfBudgets budgets)
    : node_(node),
      key_(std::move(key)),
      public_key_(key_.PublicKey()),
      budgets_(budgets) {}

grpc::Status OprfService::BlindEvaluate(grpc::ServerContext* context,
                                        const v1::BlindEvaluateRequest* request,
                                        v1::BlindEvaluateResponse* response) {
  return ToGrpc(Evaluate(*context, *request, *response));
}

Status OprfService::CheckEvaluator(const federation::Bundle& b,
                                   uint64_t epoch) const {
  if (!b.oprf || b.oprf->evaluator != node_.id()) {
    return FailedPrecondition("node " + node_.id() +
                              " is not the OPRF evaluator of bundle version " +
                              std::to_string(b.version));
  }
  if (!std::equal(b.oprf->public_key.begin(), b.oprf->public_key.end(),
                  public_key_.begin(), public_key_.end())) {
    return FailedPrecondition(
        "bundle version " + std::to_string(b.version) +
        " names another OPRF key than the one this node loaded; the "
        "evaluator must restart with the new epoch's key");
  }
  if (epoch != b.epoch) {
    return Unavailable("the caller's bundle is for epoch " +
                       std::to_string(epoch) + ", the evaluator's for epoch " +
                       std::to_string(b.epoch) +
                       "; retry once both hold the same bundle");
  }
  return Status::Ok();
}

Result<uint64_t> OprfService::BudgetOf(const federation::Bundle& b,
                                       const std::string& caller_id) {
  // The caller as this snapshot of the bundle knows it (it may have been
  // removed or given another budget since AuthorizeMember's snapshot).
  const federation::Member* member = b.FindMember(caller_id);
  if (member == nullptr) {
    return PermissionDenied("caller " + caller_id +
                            " is not a member of bundle version " +
                            std::to_string(b.version));
  }
  const uint64_t limit = federation::OprfBudget(b, *member);
  if (limit == 0) {
    return PermissionDenied("member " + caller_id + " (" +
                            std::string(federation::RoleName(member->role)) +
                            ") has no OPRF budget in bundle version " +
                            std::to_string(b.version));
  }
  return limit;
}

Status OprfService::Evaluate(const grpc::ServerContext& context,
                             const v1::BlindEvaluateRequest& request,
                             v1::BlindEvaluateResponse& response) {
  IMEISYNC_ASSIGN_OR_RETURN(federation::Member caller,
                            AuthorizeMember(context, node_.bundles()));
  const auto bundle = node_.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  IMEISYNC_RETURN_IF_ERROR(CheckEvaluator(b, request.epoch()));
  const int n = request.blinded_elements_size();
  if (n == 0) return InvalidArgument("no blinded element in the batch");
  if (n > kMaxOprfCallElements) {
    return InvalidArgument("batch of " + std::to_string(n) +
                           " blinded elements; at most " +
                           std::to_string(kMaxOprfCallElements) + " per call");
  }
  IMEISYNC_ASSIGN_OR_RETURN(const uint64_t limit, BudgetOf(b, caller.id));
  // Charge first, so that concurrent calls beyond the budget are refused
  // before any of them spends CPU; a batch that then fails to evaluate is
  // refunded. A crash in between loses budget, never gains it.
  uint64_t remaining = 0;
  Status charged =
      node_.storage().env().Update([&](store::WriteTxn& txn) -> Status {
        IMEISYNC_ASSIGN_OR_RETURN(
            remaining, budgets_.Charge(txn, b.epoch, caller.id, n, limit));
        return Status::Ok();
      });
  if (!charged.ok()) return charged;
  std::vector<ByteView> blinded;
  blinded.reserve(n);
  for (const std::string& e : request.blinded_elements()) {
    blinded.push_back(AsBytes(e));
  }
  crypto::OprfServer server(crypto::OprfMode::kVoprf, key_);
  Result<crypto::VoprfEvaluation> evaluation =
      server.BlindEvaluateBatch(blinded);
  if (!evaluation.ok()) {
    Status refunded = node_.storage().env().Update([&](store::WriteTxn& txn) {
      return budgets_.Refund(txn, b.epoch, caller.id, n);
    });
    if (!refunded.ok()) {
      spdlog::warn("oprf: could not refund {} evaluations to {}: {}", n,
                   caller.id, refunded.ToString());
    }
    return evaluation.status();
  }
  for (const crypto::P256Element& e : evaluation->evaluated_elements) {
    response.add_evaluated_elements(std::string(e.begin(), e.end()));
  }
  response.set_proof(
      std::string(evaluation->proof.begin(), evaluation->proof.end()));
  response.set_budget_remaining(remaining);
  spdlog::debug("oprf: evaluated {} elements for {}; {} left in epoch {}", n,
                caller.id, remaining, b.epoch);
  return Status::Ok();
}

}  // namespace imeisync::node::rpc
