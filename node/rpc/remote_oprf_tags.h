// The client side of oprf mode: a member other than the evaluator gets
// device tags by blinded batch queries to the evaluator's Oprf service
// (RFC 9497 VOPRF, P256-SHA256). For each batch it
//   1. hashes every IMEI14 to the curve and blinds it with a fresh random
//      scalar (the evaluator sees only uniformly random points);
//   2. sends at most kMaxOprfCallElements blinded elements in one call;
//   3. verifies the batched DLEQ proof against the public key of the
//      bundle's [oprf] table, and refuses every tag of a batch whose proof
//      fails: a ministry evaluating with another key is caught here;
//   4. unblinds and finalizes: the tag.
// Large requests are split into batches that run on a few threads, so the
// client's hashing and proof checks overlap the evaluator's work.
// Sits behind tags::CachedTags, which asks only for uncached devices.
#ifndef IMEISYNC_NODE_RPC_REMOTE_OPRF_TAGS_H_
#define IMEISYNC_NODE_RPC_REMOTE_OPRF_TAGS_H_

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "base/status.h"
#include "node/core/node.h"
#include "node/rpc/tls.h"
#include "node/tags/tag_cache.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

// One BlindEvaluate call to the evaluator `evaluator_id` at `endpoint`.
using OprfTransport = std::function<Result<v1::BlindEvaluateResponse>(
    const std::string& evaluator_id, const std::string& endpoint,
    const v1::BlindEvaluateRequest& request)>;

struct RemoteOprfOptions {
  size_t batch = 2'500;  // elements per call, 1..kMaxOprfCallElements
  int threads = 3;       // calls in flight for one large request
};

class RemoteOprfTags final : public tags::TagOracle {
 public:
  // Calls the evaluator over mutual TLS with `tls`. `node` must outlive
  // this object.
  RemoteOprfTags(const core::Node& node, TlsMaterial tls,
                 RemoteOprfOptions options = {});
  // With another transport: tests use it to stand in for a dishonest
  // evaluator.
  RemoteOprfTags(const core::Node& node, OprfTransport transport,
                 RemoteOprfOptions options = {});

  // See tags::TagOracle. Errors name the evaluator: FailedPrecondition
  // (salted bundle, no evaluator or endpoint), Unavailable (the bundle
  // left `epoch`), the evaluator's own status (RESOURCE_EXHAUSTED with its
  // remaining budget, UNAVAILABLE, ...), or DataLoss for an answer that
  // does not verify, whose tags are never passed on.
  Result<std::vector<Hash32>> Query(
      uint64_t epoch, std::span<const std::string> imei14s,
      const tags::VerifiedTags& on_verified) override;

 private:
  const core::Node& node_;
  const OprfTransport transport_;
  const RemoteOprfOptions options_;
};

// The transport over gRPC: one channel per (evaluator, endpoint), kept.
// UNAVAILABLE is retried twice (after 0.25 s, then 0.5 s), so an evaluator
// that has just restarted is reached; a call that stays UNAVAILABLE fails
// within about 0.75 s plus the connection attempts.
OprfTransport GrpcOprfTransport(TlsMaterial tls);

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_REMOTE_OPRF_TAGS_H_
