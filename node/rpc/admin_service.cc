#include "node/rpc/admin_service.h"

#include <spdlog/spdlog.h>

#include "node/imei.h"
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

namespace {

Result<Reason> ReasonFrom(int reason) {
  std::optional<Reason> r = ReasonOfNumber(reason);
  if (!r) {
    return InvalidArgument("reason " + std::to_string(reason) +
                           " is not STOLEN..REGISTRY (1..8)");
  }
  return *r;
}

// The request's devices as items; InvalidArgument for a malformed request.
Result<std::vector<core::SubmitItem>> ItemsOf(const v1::SubmitRequest& r) {
  const int n = r.imeis_size() + r.items_size();
  if (n == 0) return InvalidArgument("no IMEI given");
  if (r.imeis_size() > 0 && r.items_size() > 0) {
    return InvalidArgument("a submit has either imeis or items, not both");
  }
  if (n > kMaxSubmit) {
    return InvalidArgument(std::to_string(n) +
                           " IMEIs in one submit; at most " +
                           std::to_string(kMaxSubmit));
  }
  std::vector<core::SubmitItem> items;
  items.reserve(n);
  if (r.imeis_size() > 0) {
    IMEISYNC_ASSIGN_OR_RETURN(Reason reason, ReasonFrom(r.reason()));
    if (r.issued_at_ms() < 0) {
      return InvalidArgument("issued_at_ms is negative");
    }
    for (const std::string& imei : r.imeis()) {
      items.push_back({imei, reason, static_cast<uint64_t>(r.issued_at_ms())});
    }
    return items;
  }
  for (int i = 0; i < r.items_size(); ++i) {
    const v1::SubmitItem& item = r.items(i);
    auto reason = ReasonFrom(item.reason());
    if (!reason.ok()) {
      return InvalidArgument("item " + std::to_string(i + 1) + ": " +
                             reason.status().message());
    }
    if (item.issued_at_ms() < 0) {
      return InvalidArgument("item " + std::to_string(i + 1) +
                             ": issued_at_ms is negative");
    }
    items.push_back(
        {item.imei(), *reason, static_cast<uint64_t>(item.issued_at_ms())});
  }
  return items;
}

}  // namespace

grpc::Status AdminService::Submit(grpc::ServerContext*,
                                  const v1::SubmitRequest* request,
                                  v1::SubmitResponse* response) {
  const std::optional<Action> action = ActionOfNumber(request->action());
  if (!action) {
    return ToGrpc(InvalidArgument("action " +
                                  std::to_string(request->action()) +
                                  " is not BLOCK..ALLOW (1..5)"));
  }
  auto items = ItemsOf(*request);
  if (!items.ok()) return ToGrpc(items.status());
  auto result =
      node_.own_log().Submit(*action, *items, request->skip_existing());
  if (!result.ok()) {
    // The message may quote an IMEI back to the local caller; the log
    // line says only what kind of failure it was.
    spdlog::info("submit of {} entries refused: {}", items->size(),
                 StatusCodeName(result.status().code()));
    return ToGrpc(result.status());
  }
  response->set_origin(result->origin);
  response->set_first_index(result->first_index);
  response->set_count(result->count);
  response->set_skipped(result->skipped);
  if (result->count == 0) {
    auto signed_size = node_.own_log().SignedSize();
    if (signed_size.ok()) response->set_checkpoint_size(*signed_size);
    return grpc::Status::OK;
  }
  spdlog::info("appended {} {} entries at {} ({} skipped)", result->count,
               ActionName(*action), result->first_index, result->skipped);
  checkpointer_.Notify();
  if (request->return_before_signed()) return grpc::Status::OK;
  const uint64_t size = result->first_index + result->count;
  if (imeisync::Status s = checkpointer_.WaitSigned(size, kSignWait); !s.ok()) {
    return ToGrpc(s);
  }
  response->set_checkpoint_size(size);
  auto signed_size = node_.own_log().SignedSize();
  if (signed_size.ok()) response->set_checkpoint_size(*signed_size);
  return grpc::Status::OK;
}

grpc::Status AdminService::LocalPair(grpc::ServerContext*,
                                     const v1::LocalPairRequest* request,
                                     v1::LocalResponse*) {
  return ToGrpc(checks_.Pair(request->imei(), request->imsi()));
}

grpc::Status AdminService::LocalUnpair(grpc::ServerContext*,
                                       const v1::LocalPairRequest* request,
                                       v1::LocalResponse*) {
  return ToGrpc(checks_.Unpair(request->imei(), request->imsi()));
}

grpc::Status AdminService::LocalSeen(grpc::ServerContext*,
                                     const v1::LocalSeenRequest* request,
                                     v1::LocalResponse*) {
  return ToGrpc(checks_.SetFirstSeen(request->imei(), request->day()));
}

grpc::Status AdminService::PrefetchTags(grpc::ServerContext*,
                                        const v1::PrefetchTagsRequest* request,
                                        v1::PrefetchTagsResponse* response) {
  constexpr int kMaxPrefetch = 200'000;
  const int n = request->imeis_size();
  if (n == 0 || n > kMaxPrefetch) {
    return ToGrpc(InvalidArgument("give 1 to 200000 IMEIs per call, not " +
                                  std::to_string(n)));
  }
  std::vector<std::string> imei14s;
  imei14s.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto imei = Imei::Parse(request->imeis(i));
    if (!imei.ok()) {
      return ToGrpc(InvalidArgument(
          "IMEI " + std::to_string(i + 1) + " of " + std::to_string(n) + ": " +
          imei.status().message() + "; nothing was fetched"));
    }
    imei14s.emplace_back(imei->imei14());
  }
  auto tags = node_.tags().Tags(imei14s);
  if (!tags.ok()) return ToGrpc(tags.status());
  response->set_devices(tags->size());
  return grpc::Status::OK;
}

grpc::Status AdminService::Status(grpc::ServerContext*,
                                  const v1::StatusRequest*,
                                  v1::NodeStatus* response) {
  return Collect(response, /*sign_state_head=*/true);
}

grpc::Status AdminService::Collect(v1::NodeStatus* response,
                                   bool sign_state_head) {
  auto bundle = node_.bundles().Current();
  response->set_node_id(node_.id());
  response->set_role(std::string(federation::RoleName(node_.bundles().role())));
  response->set_federation(bundle->bundle.federation);
  response->set_bundle_version(bundle->bundle.version);
  auto snapshot = node_.state_heads().Snapshot(sign_state_head);
  if (!snapshot.ok()) return ToGrpc(snapshot.status());
  v1::Frontier frontier;
  ToProto(*snapshot, bundle->bundle.version, &frontier);
  *response->mutable_frontier() = frontier.origins();
  response->set_state_root(HashBytes(snapshot->state_root));
  response->set_registers(snapshot->registers);
  response->set_state_head(snapshot->state_head_note);
  auto rejections = node_.reads().Rejections();
  if (!rejections.ok()) return ToGrpc(rejections.status());
  for (const auto& [key, count] : *rejections) {
    v1::RejectionCount* r = response->add_rejected();
    r->set_origin(key.first);
    r->set_reason(static_cast<v1::Reason>(key.second));
    r->set_count(count);
  }
  auto evidence = node_.reads().Evidence();
  if (!evidence.ok()) return ToGrpc(evidence.status());
  for (const replication::Evidence& e : *evidence) {
    v1::EvidenceSummary* s = response->add_evidence();
    s->set_origin(e.origin);
    s->set_first_note(e.first_note);
    s->set_second_note(e.second_note);
  }
  auto local = checks_.Counts();
  if (!local.ok()) return ToGrpc(local.status());
  response->set_local_pairs(local->pairs);
  response->set_local_first_seen(local->first_seen);
  fill_status_(response);
  return grpc::Status::OK;
}

grpc::Status AdminService::PublishBundle(grpc::ServerContext*,
                                         const v1::SignedBundle* request,
                                         v1::OfferBundleResponse* response) {
  auto version = node_.bundles().Offer(request->toml(), request->signature());
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
