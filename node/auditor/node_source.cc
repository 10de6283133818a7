#include "node/auditor/node_source.h"

#include <algorithm>

#include "node/rpc/grpc_status.h"
#include "node/rpc/wire.h"

namespace imeisync::node::auditor {
namespace {

Status Named(const std::string& id, const std::string& endpoint,
             const char* call, const grpc::Status& s) {
  Status st = rpc::FromGrpc(s);
  if (st.ok()) return st;
  return Status(st.code(), "node " + id + " (" + endpoint + ") " + call + ": " +
                               st.message());
}

}  // namespace

GrpcNodeSource::GrpcNodeSource(const rpc::TlsMaterial& tls, std::string id,
                               const std::string& endpoint,
                               std::chrono::milliseconds deadline)
    : id_(std::move(id)),
      endpoint_(endpoint),
      deadline_(deadline),
      stub_(v1::Replication::NewStub(rpc::PeerChannel(tls, endpoint, id_))) {}

Result<v1::Frontier> GrpcNodeSource::Frontier() {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  v1::Frontier out;
  IMEISYNC_RETURN_IF_ERROR(
      Named(id_, endpoint_, "GetFrontier",
            stub_->GetFrontier(&context, v1::GetFrontierRequest(), &out)));
  return out;
}

Result<std::vector<Hash32>> GrpcNodeSource::Consistency(
    const std::string& origin, uint64_t first, uint64_t second) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  v1::GetConsistencyRequest request;
  request.set_origin(origin);
  request.set_first(first);
  request.set_second(second);
  v1::ConsistencyProof proof;
  IMEISYNC_RETURN_IF_ERROR(
      Named(id_, endpoint_, "GetConsistency",
            stub_->GetConsistency(&context, request, &proof)));
  std::vector<Hash32> out;
  for (const std::string& h : proof.hashes()) {
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 hash, rpc::ParseHash(h, "proof hash"));
    out.push_back(hash);
  }
  return out;
}

Status GrpcNodeSource::ReadLog(
    const std::string& origin, uint64_t size,
    const std::function<Status(std::span<const Entry>)>& sink) {
  if (size == 0) return Status::Ok();
  grpc::ClientContext context;
  const auto budget = std::max<std::chrono::milliseconds>(
      std::chrono::minutes(1),
      deadline_ * 10 * static_cast<int64_t>(size / 1'000'000 + 1));
  context.set_deadline(std::chrono::system_clock::now() + budget);
  v1::GetEntriesRequest request;
  request.set_origin(origin);
  request.set_begin(0);
  request.set_end(size);
  auto reader = stub_->GetEntries(&context, request);
  v1::EntryChunk chunk;
  uint64_t at = 0;
  Status failure;
  while (failure.ok() && reader->Read(&chunk)) {
    if (chunk.first_index() != at) {
      failure = InvalidArgument("node " + id_ + " sent entries of " + origin +
                                " from " + std::to_string(chunk.first_index()) +
                                ", expected " + std::to_string(at));
      break;
    }
    auto entries = rpc::UnpackEntries(chunk.entries(), chunk.first_index());
    if (!entries.ok()) {
      failure = entries.status();
      break;
    }
    at += entries->size();
    if (at > size) {
      failure =
          InvalidArgument("node " + id_ + " sent more entries of " + origin +
                          " than the " + std::to_string(size) + " asked for");
      break;
    }
    failure = sink(*entries);
  }
  if (!failure.ok()) context.TryCancel();
  grpc::Status finished = reader->Finish();
  IMEISYNC_RETURN_IF_ERROR(failure);
  IMEISYNC_RETURN_IF_ERROR(Named(id_, endpoint_, "GetEntries", finished));
  if (at != size) {
    return InvalidArgument("node " + id_ + " sent " + std::to_string(at) +
                           " entries of " + origin + ", expected " +
                           std::to_string(size));
  }
  return Status::Ok();
}

Status GrpcNodeSource::Announce(const std::vector<std::string>& notes) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  v1::AnnounceRequest request;
  for (const std::string& n : notes) request.add_checkpoints()->set_note(n);
  v1::AnnounceResponse reply;
  return Named(id_, endpoint_, "Announce",
               stub_->Announce(&context, request, &reply));
}

}  // namespace imeisync::node::auditor
