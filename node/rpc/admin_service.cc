#include "node/rpc/admin_service.h"

#include <spdlog/spdlog.h>

#include "node/rpc/grpc_status.h"
#include "node/rpc/replication_service.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

// One submit is one LMDB transaction; this keeps its dirty pages far below
// LMDB's per-transaction limit. Bulk loads send several.
constexpr int kMaxSubmit = 200'000;
constexpr std::chrono::milliseconds kSignWait{10'000};

}  // namespace

grpc::Status AdminService::Submit(grpc::ServerContext*,
                                  const v1::SubmitRequest* request,
                                  v1::SubmitResponse* response) {
  const int n = request->imeis_size();
  if (n == 0) return ToGrpc(InvalidArgument("no IMEI given"));
  if (n > kMaxSubmit) {
    return ToGrpc(InvalidArgument(std::to_string(n) +
                                  " IMEIs in one submit; at most " +
                                  std::to_string(kMaxSubmit)));
  }
  const int action = request->action(), reason = request->reason();
  if (action < 1 || action > 5) {
    return ToGrpc(InvalidArgument("action " + std::to_string(action) +
                                  " is not BLOCK..ALLOW (1..5)"));
  }
  if (reason < 1 || reason > 8) {
    return ToGrpc(InvalidArgument("reason " + std::to_string(reason) +
                                  " is not STOLEN..REGISTRY (1..8)"));
  }
  if (request->issued_at_ms() < 0) {
    return ToGrpc(InvalidArgument("issued_at_ms is negative"));
  }
  std::vector<std::string> imeis(request->imeis().begin(),
                                 request->imeis().end());
  auto result =
      node_.Submit(static_cast<Action>(action), static_cast<Reason>(reason),
                   imeis, static_cast<uint64_t>(request->issued_at_ms()));
  if (!result.ok()) {
    // The message may quote an IMEI back to the local caller; the log
    // line says only what kind of failure it was.
    spdlog::info("submit of {} entries refused: {}", n,
                 StatusCodeName(result.status().code()));
    return ToGrpc(result.status());
  }
  spdlog::info("appended {} {} {} entries at {}", result->count,
               ActionName(static_cast<Action>(action)),
               ReasonName(static_cast<Reason>(reason)), result->first_index);
  checkpointer_.Notify();
  const uint64_t size = result->first_index + result->count;
  if (imeisync::Status s = checkpointer_.WaitSigned(size, kSignWait); !s.ok()) {
    return ToGrpc(s);
  }
  response->set_first_index(result->first_index);
  response->set_count(result->count);
  response->set_checkpoint_size(size);
  response->set_origin(result->origin);
  auto signed_size = node_.SignedSize();
  if (signed_size.ok()) response->set_checkpoint_size(*signed_size);
  return grpc::Status::OK;
}

grpc::Status AdminService::Status(grpc::ServerContext*,
                                  const v1::StatusRequest*,
                                  v1::NodeStatus* response) {
  auto bundle = node_.bundle();
  response->set_node_id(node_.id());
  response->set_role(std::string(federation::RoleName(node_.role())));
  response->set_federation(bundle->bundle.federation);
  response->set_bundle_version(bundle->bundle.version);
  auto snapshot = node_.Snapshot(/*sign_state_head=*/true);
  if (!snapshot.ok()) return ToGrpc(snapshot.status());
  v1::Frontier frontier;
  ToProto(*snapshot, bundle->bundle.version, &frontier);
  *response->mutable_frontier() = frontier.origins();
  response->set_state_root(HashBytes(snapshot->state_root));
  response->set_registers(snapshot->registers);
  response->set_state_head(snapshot->state_head_note);
  auto rejections = node_.Rejections();
  if (!rejections.ok()) return ToGrpc(rejections.status());
  for (const auto& [key, count] : *rejections) {
    v1::RejectionCount* r = response->add_rejected();
    r->set_origin(key.first);
    r->set_reason(static_cast<v1::Reason>(key.second));
    r->set_count(count);
  }
  auto evidence = node_.Evidence();
  if (!evidence.ok()) return ToGrpc(evidence.status());
  for (const replication::Evidence& e : *evidence) {
    v1::EvidenceSummary* s = response->add_evidence();
    s->set_origin(e.origin);
    s->set_first_note(e.first_note);
    s->set_second_note(e.second_note);
  }
  fill_status_(response);
  return grpc::Status::OK;
}

grpc::Status AdminService::PublishBundle(grpc::ServerContext*,
                                         const v1::SignedBundle* request,
                                         v1::OfferBundleResponse* response) {
  auto version = node_.OfferBundle(request->toml(), request->signature());
  if (!version.ok()) {
    spdlog::warn("refused a published bundle: {}", version.status().ToString());
    return ToGrpc(version.status());
  }
  spdlog::info("installed published bundle version {}", *version);
  response->set_bundle_version(*version);
  events_.OnBundleChanged();
  return grpc::Status::OK;
}

}  // namespace imeisync::node::rpc
