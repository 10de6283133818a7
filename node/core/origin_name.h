// Names of logs and signing keys: every origin log is called
// "imeisync/<federation>/<node>" (DESIGN.md "Origin logs"), and that string
// is also the C2SP key name its checkpoints are signed under.
#ifndef IMEISYNC_NODE_CORE_ORIGIN_NAME_H_
#define IMEISYNC_NODE_CORE_ORIGIN_NAME_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace imeisync::node::core {

// "imeisync/<federation>/<node>". REQUIRES: both are valid ids.
std::string OriginName(std::string_view federation, std::string_view node);

// The node id of `origin` in `federation`. InvalidArgument saying what is
// wrong for anything that is not exactly "imeisync/<federation>/<id>".
Result<std::string> OriginNode(std::string_view federation,
                               std::string_view origin);

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_ORIGIN_NAME_H_
