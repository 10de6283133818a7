// The key prefix of every per-origin record in node/replication: the log
// tree, the origin logs' databases and the witness records all start their
// keys with it (docs/formats.md "Log storage").
#ifndef IMEISYNC_NODE_REPLICATION_ORIGIN_PREFIX_H_
#define IMEISYNC_NODE_REPLICATION_ORIGIN_PREFIX_H_

#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node::replication {

// Returns origin-len(1) || origin.
// InvalidArgument "origin must be 1 to 255 bytes, got <n>" unless
// 1 <= origin.size() <= 255.
Result<Bytes> OriginPrefix(std::string_view origin);

}  // namespace imeisync::node::replication

#endif  // IMEISYNC_NODE_REPLICATION_ORIGIN_PREFIX_H_
