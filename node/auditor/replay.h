// `audit --deep`: rebuilds a node's state from its logs, as any node
// would, and gives the roots to compare with what the node signed.
#ifndef IMEISYNC_NODE_AUDITOR_REPLAY_H_
#define IMEISYNC_NODE_AUDITOR_REPLAY_H_

#include <functional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/auditor/node_source.h"
#include "node/federation/bundle.h"
#include "node/state/state_head.h"

namespace imeisync::node::auditor {

struct ReplayResult {
  Hash32 state_root{};
  // Origins whose entries, as `source` served them, do not hash to the
  // root the frontier lists: "<origin>: recomputed <b64> != <b64>".
  std::vector<std::string> log_mismatches;
};

// Reads every origin of `frontier` from `source` up to its size, checks
// each log's RFC 9162 root against the frontier's, and folds the entries
// under `bundle`'s policy into a fresh state in `scratch_dir` (created and
// removed). An origin that names no member is folded as an auditor's
// (which may issue nothing). Errors: the source failing or a store error.
Result<ReplayResult> ReplayState(
    NodeSource& source, const std::vector<state::FrontierEntry>& frontier,
    const federation::Bundle& bundle, const std::string& scratch_dir,
    const std::function<void(const std::string&)>& progress);

}  // namespace imeisync::node::auditor

#endif  // IMEISYNC_NODE_AUDITOR_REPLAY_H_
