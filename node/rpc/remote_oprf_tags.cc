#include "node/rpc/remote_oprf_tags.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "crypto/oprf.h"
#include "node/rpc/grpc_status.h"
#include "node/rpc/oprf_service.h"

namespace imeisync::node::rpc {
namespace {

constexpr std::chrono::seconds kCallDeadline{120};
constexpr int kAttempts = 3;
constexpr std::chrono::milliseconds kRetryWait{250};

struct Evaluator {
  std::string id;
  std::string endpoint;
  Bytes public_key;
  uint64_t epoch = 0;
};

Result<Evaluator> FindEvaluator(const core::Node& node) {
  const auto bundle = node.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  if (!b.oprf) {
    return FailedPrecondition("bundle version " + std::to_string(b.version) +
                              " is in salted mode: there is no OPRF");
  }
  const federation::Member* m = b.FindMember(b.oprf->evaluator);
  if (m == nullptr) {
    return FailedPrecondition("bundle version " + std::to_string(b.version) +
                              " names no OPRF evaluator yet");
  }
  if (m->endpoint.empty()) {
    return FailedPrecondition("the OPRF evaluator " + m->id +
                              " has no endpoint in bundle version " +
                              std::to_string(b.version));
  }
  return Evaluator{m->id, m->endpoint, b.oprf->public_key, b.epoch};
}

// What an evaluator's error means to this node's own callers. Budget,
// permission, reachability and bad answers keep their code; anything else
// is the two nodes disagreeing (a bundle not yet synced, a version
// mismatch) and must not read as the caller's input being wrong.
StatusCode LocalCode(StatusCode remote) {
  switch (remote) {
    case StatusCode::kResourceExhausted:
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kDataLoss:
    case StatusCode::kUnauthenticated:
      return remote;
    case StatusCode::kInvalidArgument:
      return StatusCode::kInternal;  // this node sent something wrong
    default:
      return StatusCode::kUnavailable;
  }
}

// Blind, ask, verify, finalize: one batch.
Status TagBatch(const Evaluator& ev, const OprfTransport& transport,
                std::span<const std::string> imei14s, std::span<Hash32> out) {
  crypto::OprfClient client(crypto::OprfMode::kVoprf);
  std::vector<crypto::OprfBlindedInput> blinded;
  blinded.reserve(imei14s.size());
  v1::BlindEvaluateRequest request;
  request.set_epoch(ev.epoch);
  for (const std::string& imei14 : imei14s) {
    IMEISYNC_ASSIGN_OR_RETURN(crypto::OprfBlindedInput b,
                              client.Blind(AsBytes(imei14)));
    request.add_blinded_elements(
        std::string(b.blinded_element.begin(), b.blinded_element.end()));
    blinded.push_back(std::move(b));
  }
  Result<v1::BlindEvaluateResponse> response =
      transport(ev.id, ev.endpoint, request);
  if (!response.ok()) {
    return Status(LocalCode(response.status().code()),
                  "OPRF evaluator " + ev.id + " (" + ev.endpoint +
                      "): " + response.status().message());
  }
  if (static_cast<size_t>(response->evaluated_elements_size()) !=
      imei14s.size()) {
    return DataLoss("OPRF evaluator " + ev.id + " answered " +
                    std::to_string(response->evaluated_elements_size()) +
                    " elements for a batch of " +
                    std::to_string(imei14s.size()));
  }
  std::vector<ByteView> requested, evaluated;
  requested.reserve(imei14s.size());
  evaluated.reserve(imei14s.size());
  for (size_t i = 0; i < imei14s.size(); ++i) {
    requested.push_back(blinded[i].blinded_element);
    evaluated.push_back(
        AsBytes(response->evaluated_elements(static_cast<int>(i))));
  }
  Status proof = client.VerifyProof(ev.public_key, requested, evaluated,
                                    AsBytes(response->proof()));
  if (!proof.ok()) {
    spdlog::error(
        "oprf: the batch proof of evaluator {} does not verify against the "
        "bundle's public key; its {} tags are refused",
        ev.id, imei14s.size());
    return DataLoss("OPRF evaluator " + ev.id +
                    ": the batch proof does not verify against the bundle's "
                    "[oprf] public key (" +
                    proof.message() + "); no tag of this batch is used");
  }
  for (size_t i = 0; i < imei14s.size(); ++i) {
    IMEISYNC_ASSIGN_OR_RETURN(
        out[i],
        client.Finalize(AsBytes(imei14s[i]), blinded[i].blind, evaluated[i]));
  }
  return Status::Ok();
}

}  // namespace

RemoteOprfTags::RemoteOprfTags(const core::Node& node, TlsMaterial tls,
                               RemoteOprfOptions options)
    : RemoteOprfTags(node, GrpcOprfTransport(std::move(tls)), options) {}

RemoteOprfTags::RemoteOprfTags(const core::Node& node, OprfTransport transport,
                               RemoteOprfOptions options)
    : node_(node), transport_(std::move(transport)), options_(options) {}

Result<std::vector<Hash32>> RemoteOprfTags::Query(
    uint64_t epoch, std::span<const std::string> imei14s,
    const tags::VerifiedTags& on_verified) {
  IMEISYNC_ASSIGN_OR_RETURN(Evaluator ev, FindEvaluator(node_));
  if (ev.epoch != epoch) {
    return Unavailable("the federation moved from epoch " +
                       std::to_string(epoch) + " to " +
                       std::to_string(ev.epoch) +
                       " during an OPRF query; "
                       "retry");
  }
  std::vector<Hash32> result(imei14s.size());
  const size_t batch = std::clamp<size_t>(
      options_.batch, 1, static_cast<size_t>(kMaxOprfCallElements));
  const size_t batches = (imei14s.size() + batch - 1) / batch;
  std::atomic<size_t> next{0};
  std::mutex error_mu;
  Status first_error;
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (size_t k = next++; k < batches && !failed; k = next++) {
      const size_t begin = k * batch;
      const size_t n = std::min(batch, imei14s.size() - begin);
      const std::span<Hash32> out = std::span<Hash32>(result).subspan(begin, n);
      Status s = TagBatch(ev, transport_, imei14s.subspan(begin, n), out);
      if (s.ok()) s = on_verified(begin, out);
      if (!s.ok()) {
        std::lock_guard lock(error_mu);
        if (!failed.exchange(true)) first_error = s;
      }
    }
  };
  const size_t threads = std::min<size_t>(
      batches, static_cast<size_t>(std::max(1, options_.threads)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // fewer helpers; the calling thread still does all the rest
    }
  }
  work();  // the calling thread takes a share
  for (std::thread& t : pool) t.join();
  if (failed) return first_error;
  return result;
}

OprfTransport GrpcOprfTransport(TlsMaterial tls) {
  struct Channels {
    std::mutex mu;
    std::map<std::pair<std::string, std::string>,
             std::unique_ptr<v1::Oprf::Stub>>
        stubs;
  };
  auto channels = std::make_shared<Channels>();
  return [tls = std::move(tls), channels](
             const std::string& id, const std::string& endpoint,
             const v1::BlindEvaluateRequest& request)
             -> Result<v1::BlindEvaluateResponse> {
    v1::Oprf::Stub* stub;
    {
      std::lock_guard lock(channels->mu);
      auto& slot = channels->stubs[{id, endpoint}];
      if (!slot) slot = v1::Oprf::NewStub(PeerChannel(tls, endpoint, id));
      stub = slot.get();
    }
    // A channel whose connection just failed (the evaluator restarting)
    // fails calls at once until its backoff ends: retry UNAVAILABLE twice,
    // 0.25 s then 0.5 s later. A retried call the evaluator did answer is
    // charged twice: budget, never tags, is what a retry can waste.
    grpc::Status s;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(kRetryWait * attempt);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
      v1::BlindEvaluateResponse response;
      s = stub->BlindEvaluate(&context, request, &response);
      if (s.ok()) return response;
      if (s.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    }
    return FromGrpc(s);
  };
}

}  // namespace imeisync::node::rpc
