// Names of logs and signing keys: every member's log is called
// "imeisync/<federation>/<node>" (docs/design.md "Origin logs"), and a ministry
// member's export log for a link "imeisync/<federation>/<node>/export/<link>"
// (docs/links.md). The name is also the C2SP key name its checkpoints are
// signed under, with the node's key.
#ifndef IMEISYNC_NODE_FEDERATION_ORIGIN_NAME_H_
#define IMEISYNC_NODE_FEDERATION_ORIGIN_NAME_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace imeisync::node::federation {

// "imeisync/<federation>/<node>". REQUIRES: both are valid ids.
std::string OriginName(std::string_view federation, std::string_view node);

// The node id of `origin` in `federation`. InvalidArgument saying what is
// wrong for anything that is not exactly "imeisync/<federation>/<id>".
Result<std::string> OriginNode(std::string_view federation,
                               std::string_view origin);

// "imeisync/<federation>/<exporter>/export/<link>": the export log that
// ministry member `exporter` keeps for the foreign member `link`.
// REQUIRES: all three are valid ids.
std::string ExportOriginName(std::string_view federation,
                             std::string_view exporter, std::string_view link);

struct OriginParts {
  std::string node;  // the member whose key signs the log
  std::string link;  // an export log's foreign member; "" for a member's log
};

// Splits either form of origin name. InvalidArgument, as OriginNode, for
// anything else.
Result<OriginParts> ParseOrigin(std::string_view federation,
                                std::string_view origin);

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_ORIGIN_NAME_H_
