// Where a node's parts get device tags: the node's current tags::TagSource
// (tag_source.h), which the daemon may replace once (an oprf member's
// evaluator client). docs/design.md "Identity to entry".
#ifndef IMEISYNC_NODE_CORE_NODE_TAGS_H_
#define IMEISYNC_NODE_CORE_NODE_TAGS_H_

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/core/bundle_holder.h"
#include "node/federation/node_config.h"
#include "node/tags/tag_source.h"

namespace imeisync::node::core {

class NodeTags {
 public:
  explicit NodeTags(std::shared_ptr<tags::TagSource> source)
      : source_(std::move(source)) {}

  // The device tags of `imei14s` (each exactly 14 ASCII digits), in order.
  // Thread-safe. In oprf mode on a member other than the evaluator this may
  // query the evaluator: never call it while holding a transaction.
  // FailedPrecondition when this node cannot tag (no salt; an oprf member
  // with no route to the evaluator).
  Result<std::vector<Hash32>> Tags(std::span<const std::string> imei14s) const;
  // One device's tag. As Tags().
  Result<Hash32> TagOf(std::string_view imei14) const;
  // Replaces the source; calls already running finish on the old one.
  void Set(std::shared_ptr<tags::TagSource> source);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<tags::TagSource> source_;  // guarded by mu_
};

// The tag source a node can build from its own files: the salt, or the
// OPRF key on the evaluator (checked against the bundle's [oprf] key). An
// oprf member other than the evaluator gets one that refuses until the
// daemon installs its evaluator client. `bundles` must outlive the source.
Result<std::shared_ptr<tags::TagSource>> LocalTagSource(
    const federation::NodeConfig& config, const BundleHolder& bundles);

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_NODE_TAGS_H_
