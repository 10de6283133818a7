#include "node/rpc/replication_service.h"

#include <spdlog/spdlog.h>

#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "node/federation/links.h"
#include "node/federation/origin_name.h"
#include "node/rpc/grpc_status.h"
#include "node/rpc/tls.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

// At most this many checkpoints in one Announce.
constexpr int kMaxAnnounced = 1024;
constexpr size_t kMaxLeaves = 65536;

Result<merkle::NibblePrefix> ParsePrefix(const v1::SubtreeRequest& request) {
  if (request.depth() > 64) {
    return InvalidArgument("depth " + std::to_string(request.depth()) +
                           " is beyond 64 nibbles");
  }
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 bytes,
                            ParseHash(request.prefix(), "prefix"));
  merkle::NibblePrefix p = merkle::NibblePrefix::Of(bytes, request.depth());
  if (p.bytes != bytes) {
    return InvalidArgument("prefix has non-zero nibbles beyond depth " +
                           std::to_string(request.depth()));
  }
  return p;
}

// PermissionDenied unless `caller` may read `origin` from this node
// (federation::MayRead, against the node's current bundle).
Status CheckRead(const core::BundleHolder& bundles,
                 const federation::Member& caller, std::string_view origin) {
  auto bundle = bundles.Current();
  // A name that is no origin of this federation is the caller's mistake.
  IMEISYNC_RETURN_IF_ERROR(
      federation::ParseOrigin(bundle->bundle.federation, origin).status());
  if (federation::MayRead(bundle->bundle, caller, origin)) return Status::Ok();
  const std::string what = std::string(origin.substr(0, 120));
  if (caller.role == federation::Role::kForeign) {
    return PermissionDenied("foreign member " + caller.id +
                            " may read only its own log and its "
                            "link's export log" +
                            (bundle->bundle.FindLink(caller.id) == nullptr
                                 ? ", and bundle version " +
                                       std::to_string(bundle->bundle.version) +
                                       " has no link for it"
                                 : "") +
                            "; not " + what);
  }
  return PermissionDenied(what + " is served only to its link's member");
}

// PermissionDenied for a foreign caller (the state is domestic), and on a
// foreign member's own node for everyone (its state holds its link's
// export, which only it may read).
Status CheckDomestic(const core::BundleHolder& bundles,
                     const federation::Member& caller, std::string_view what) {
  if (bundles.role() == federation::Role::kForeign) {
    return PermissionDenied(
        std::string(what) + " is not served by " + bundles.self_id() +
        ", a foreign member's node: its state holds its link's export");
  }
  if (caller.role != federation::Role::kForeign) return Status::Ok();
  return PermissionDenied("foreign member " + caller.id + " may not call " +
                          std::string(what) +
                          ": a link replicates logs, never the state");
}

}  // namespace

Result<federation::Member> AuthorizeMember(const grpc::ServerContext& context,
                                           const core::BundleHolder& bundles) {
  std::optional<std::string> id = CallerNodeId(context);
  if (!id) {
    return Unauthenticated(
        "the caller presented no certificate with a node id");
  }
  auto bundle = bundles.Current();
  const federation::Member* m = bundle->bundle.FindMember(*id);
  if (m == nullptr) {
    return PermissionDenied(
        "caller " + *id + " is not a member of bundle version " +
        std::to_string(bundle->bundle.version) +
        " held here; offer a newer bundle with OfferBundle");
  }
  return *m;
}

void ToProto(const core::NodeSnapshot& snapshot, uint64_t bundle_version,
             v1::Frontier* out) {
  for (const core::OriginState& o : snapshot.origins) {
    v1::OriginHead* h = out->add_origins();
    h->set_origin(o.origin);
    h->set_size(o.head.size);
    h->set_root(HashBytes(o.head.root));
    h->mutable_checkpoint()->set_note(o.note);
    h->set_frozen(o.frozen);
  }
  out->set_state_root(HashBytes(snapshot.state_root));
  out->set_state_head(snapshot.state_head_note);
  out->set_bundle_version(bundle_version);
}

Status ReplicationService::AdmitRead(const grpc::ServerContext& context,
                                     std::string_view origin) const {
  IMEISYNC_ASSIGN_OR_RETURN(federation::Member caller,
                            AuthorizeMember(context, bundles_));
  return CheckRead(bundles_, caller, origin);
}

grpc::Status ReplicationService::Hello(grpc::ServerContext* context,
                                       const v1::HelloRequest* request,
                                       v1::HelloResponse* response) {
  if (!CallerNodeId(*context)) {
    return ToGrpc(Unauthenticated("no certificate with a node id"));
  }
  const uint64_t ours = bundles_.Current()->bundle.version;
  response->set_bundle_version(ours);
  response->set_node_id(bundles_.self_id());
  (void)request;
  return grpc::Status::OK;
}

grpc::Status ReplicationService::GetBundle(grpc::ServerContext* context,
                                           const v1::GetBundleRequest*,
                                           v1::SignedBundle* response) {
  if (!CallerNodeId(*context)) {
    return ToGrpc(Unauthenticated("no certificate with a node id"));
  }
  auto b = bundles_.Current();
  response->set_toml(b->toml);
  response->set_signature(b->signature);
  return grpc::Status::OK;
}

grpc::Status ReplicationService::OfferBundle(
    grpc::ServerContext* context, const v1::SignedBundle* request,
    v1::OfferBundleResponse* response) {
  std::optional<std::string> caller = CallerNodeId(*context);
  if (!caller) return ToGrpc(Unauthenticated("no certificate with a node id"));
  auto version = bundles_.Offer(request->toml(), request->signature());
  if (!version.ok()) {
    spdlog::warn("refused a bundle offered by {}: {}", *caller,
                 version.status().ToString());
    return ToGrpc(version.status());
  }
  spdlog::info("installed bundle version {} offered by {}", *version, *caller);
  response->set_bundle_version(*version);
  events_.OnBundleChanged();
  return grpc::Status::OK;
}

grpc::Status ReplicationService::GetFrontier(grpc::ServerContext* context,
                                             const v1::GetFrontierRequest*,
                                             v1::Frontier* response) {
  auto caller = AuthorizeMember(*context, bundles_);
  if (!caller.ok()) return ToGrpc(caller.status());
  // No state root or head for a foreign caller, nor from a foreign
  // member's node (its state holds its link's export).
  const bool foreign = caller->role == federation::Role::kForeign ||
                       bundles_.role() == federation::Role::kForeign;
  auto snapshot = heads_.Snapshot(/*sign_state_head=*/!foreign);
  if (!snapshot.ok()) return ToGrpc(snapshot.status());
  // Each caller sees the logs it may read: export logs only their link's
  // member, a foreign member nothing of the state.
  auto bundle = bundles_.Current();
  std::vector<core::OriginState> shown;
  for (auto* list : {&snapshot->origins, &snapshot->exports}) {
    for (core::OriginState& o : *list) {
      if (federation::MayRead(bundle->bundle, *caller, o.origin)) {
        shown.push_back(std::move(o));
      }
    }
  }
  snapshot->origins = std::move(shown);
  snapshot->exports.clear();
  ToProto(*snapshot, bundle->bundle.version, response);
  if (foreign) {
    response->clear_state_root();
    response->clear_state_head();
  }
  return grpc::Status::OK;
}

grpc::Status ReplicationService::GetCheckpoint(
    grpc::ServerContext* context, const v1::GetCheckpointRequest* request,
    v1::Checkpoint* response) {
  if (Status s = AdmitRead(*context, request->origin()); !s.ok()) {
    return ToGrpc(s);
  }
  auto note = reads_.CheckpointNote(request->origin());
  if (!note.ok()) return ToGrpc(note.status());
  response->set_note(*note);
  return grpc::Status::OK;
}

grpc::Status ReplicationService::GetEntries(
    grpc::ServerContext* context, const v1::GetEntriesRequest* request,
    grpc::ServerWriter<v1::EntryChunk>* writer) {
  const std::string& origin = request->origin();
  if (Status s = AdmitRead(*context, origin); !s.ok()) return ToGrpc(s);
  auto head = reads_.Head(origin);
  if (!head.ok()) return ToGrpc(head.status());
  const uint64_t begin = request->begin(), end = request->end();
  if (begin >= end || end > head->size) {
    return ToGrpc(InvalidArgument(
        "entries [" + std::to_string(begin) + ", " + std::to_string(end) +
        ") of " + origin + ": this node holds " + std::to_string(head->size)));
  }
  for (uint64_t at = begin; at < end;) {
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    }
    uint64_t stop = std::min<uint64_t>(end, at + kEntriesPerChunk);
    auto entries = reads_.ReadEntries(origin, at, stop);
    if (!entries.ok()) return ToGrpc(entries.status());
    std::string packed = PackEntries(*entries);
    // Export log entries carry a source and run longer: fewer fit.
    while (packed.size() > kMaxChunkBytes && stop - at > 1) {
      stop = at + (stop - at) / 2;
      entries->resize(stop - at);
      packed = PackEntries(*entries);
    }
    v1::EntryChunk chunk;
    chunk.set_first_index(at);
    chunk.set_entries(std::move(packed));
    if (stop < end) {
      auto proof = reads_.ConsistencyProof(origin, stop, end);
      if (!proof.ok()) return ToGrpc(proof.status());
      for (const Hash32& h : *proof) chunk.add_consistency(HashBytes(h));
    }
    if (!writer->Write(chunk)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the reader went away");
    }
    at = stop;
  }
  return grpc::Status::OK;
}

grpc::Status ReplicationService::GetConsistency(
    grpc::ServerContext* context, const v1::GetConsistencyRequest* request,
    v1::ConsistencyProof* response) {
  if (Status s = AdmitRead(*context, request->origin()); !s.ok()) {
    return ToGrpc(s);
  }
  auto proof = reads_.ConsistencyProof(request->origin(), request->first(),
                                       request->second());
  if (!proof.ok()) return ToGrpc(proof.status());
  for (const Hash32& h : *proof) response->add_hashes(HashBytes(h));
  return grpc::Status::OK;
}

grpc::Status ReplicationService::Announce(grpc::ServerContext* context,
                                          const v1::AnnounceRequest* request,
                                          v1::AnnounceResponse*) {
  auto member = AuthorizeMember(*context, bundles_);
  if (!member.ok()) return ToGrpc(member.status());
  if (request->checkpoints_size() > kMaxAnnounced) {
    return ToGrpc(InvalidArgument(std::to_string(request->checkpoints_size()) +
                                  " checkpoints in one announce; at most " +
                                  std::to_string(kMaxAnnounced)));
  }
  // Each note is parsed once, here, and travels parsed to the pull. One
  // that does not parse is left to the pull, which refuses and counts it;
  // the others in the batch still count.
  std::vector<Result<crypto::ParsedCheckpoint>> parsed;
  parsed.reserve(request->checkpoints_size());
  for (const v1::Checkpoint& c : request->checkpoints()) {
    parsed.push_back(crypto::ParseSignedCheckpoint(c.note()));
  }
  // Only notes of logs the caller may read: a foreign member announces its
  // own log, nobody an export log but its link's member and exporter.
  for (const Result<crypto::ParsedCheckpoint>& c : parsed) {
    if (!c.ok()) continue;
    if (Status s = CheckRead(bundles_, *member, c->checkpoint.origin);
        !s.ok()) {
      return ToGrpc(s);
    }
  }
  std::vector<std::string> gained;
  for (const Result<crypto::ParsedCheckpoint>& c : parsed) {
    // Cosignatures on a checkpoint held here are taken at once, whether or
    // not the caller is a peer of this node (an auditor's `imeisync audit`
    // is not).
    if (!c.ok()) continue;
    auto added = witnessing_.AddCosignatures(*c);
    if (added.ok() && *added) gained.push_back(**added);
  }
  if (!gained.empty()) events_.OnNewCheckpoints("", gained);
  events_.OnAnnounce(member->id, std::move(parsed));
  return grpc::Status::OK;
}

Result<merkle::NibblePrefix> StateSyncService::Admit(
    const grpc::ServerContext& context, const v1::SubtreeRequest& request,
    std::string_view what) const {
  IMEISYNC_ASSIGN_OR_RETURN(federation::Member caller,
                            AuthorizeMember(context, bundles_));
  IMEISYNC_RETURN_IF_ERROR(CheckDomestic(bundles_, caller, what));
  return ParsePrefix(request);
}

grpc::Status StateSyncService::GetSubtree(grpc::ServerContext* context,
                                          const v1::SubtreeRequest* request,
                                          v1::Subtree* response) {
  auto prefix = Admit(*context, *request, "StateSync.GetSubtree");
  if (!prefix.ok()) return ToGrpc(prefix.status());
  auto view = reads_.Subtree(*prefix);
  if (!view.ok()) return ToGrpc(view.status());
  response->set_kind(static_cast<uint32_t>(view->kind));
  response->set_hash(HashBytes(view->hash));
  if (view->kind == merkle::ChildKind::kLeaf) {
    response->set_leaf_key(HashBytes(view->leaf.first));
    response->set_leaf_value(HashBytes(view->leaf.second));
  } else if (view->kind == merkle::ChildKind::kInternal) {
    Bytes node = view->node.Encode();
    response->set_node(std::string(AsChars(node)));
  }
  return grpc::Status::OK;
}

grpc::Status StateSyncService::GetLeaves(grpc::ServerContext* context,
                                         const v1::SubtreeRequest* request,
                                         v1::Leaves* response) {
  auto prefix = Admit(*context, *request, "StateSync.GetLeaves");
  if (!prefix.ok()) return ToGrpc(prefix.status());
  auto leaves = reads_.Leaves(*prefix);
  if (!leaves.ok()) return ToGrpc(leaves.status());
  if (leaves->size() > kMaxLeaves) {
    return ToGrpc(ResourceExhausted(
        std::to_string(leaves->size()) + " pairs under the prefix; at most " +
        std::to_string(kMaxLeaves) + " per call, descend further"));
  }
  for (const merkle::StatePair& p : *leaves) {
    response->add_keys(HashBytes(p.first));
    response->add_values(HashBytes(p.second));
  }
  return grpc::Status::OK;
}

}  // namespace imeisync::node::rpc
