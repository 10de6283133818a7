// The oprf part of NodeStatus (and so of /metrics): on the evaluator, each
// member's use of its budget this epoch; on another member, its tag cache.
#ifndef IMEISYNC_NODE_RPC_OPRF_STATUS_H_
#define IMEISYNC_NODE_RPC_OPRF_STATUS_H_

#include "base/status.h"
#include "node/core/node.h"
#include "node/tags/tag_cache.h"
#include "proto/imeisync.pb.h"

namespace imeisync::node::rpc {

// Fills `out` from one read snapshot. Does nothing in salted mode.
// `counters` may be null (the evaluator keeps no cache).
Status FillOprfStatus(core::Node& node, const tags::TagCacheCounters* counters,
                      v1::NodeStatus* out);

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_OPRF_STATUS_H_
