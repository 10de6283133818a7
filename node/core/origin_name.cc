#include "node/core/origin_name.h"

#include "node/federation/bundle.h"

namespace imeisync::node::core {

std::string OriginName(std::string_view federation, std::string_view node) {
  return "imeisync/" + std::string(federation) + "/" + std::string(node);
}

Result<std::string> OriginNode(std::string_view federation,
                               std::string_view origin) {
  const std::string prefix = OriginName(federation, "");
  if (origin.substr(0, prefix.size()) != prefix) {
    return InvalidArgument("origin \"" + std::string(origin.substr(0, 80)) +
                           "\" is not in federation " +
                           std::string(federation) + " (expected " + prefix +
                           "<node>)");
  }
  std::string_view id = origin.substr(prefix.size());
  if (!federation::IsValidNodeId(id)) {
    return InvalidArgument("origin \"" + std::string(origin.substr(0, 80)) +
                           "\" does not end in a node id [a-z0-9-]{1,32}");
  }
  return std::string(id);
}

std::string ExportOriginName(std::string_view federation,
                             std::string_view exporter, std::string_view link) {
  return OriginName(federation, exporter) + "/export/" + std::string(link);
}

Result<OriginParts> ParseOrigin(std::string_view federation,
                                std::string_view origin) {
  const size_t cut = origin.find("/export/");
  if (cut == std::string_view::npos) {
    IMEISYNC_ASSIGN_OR_RETURN(std::string node, OriginNode(federation, origin));
    return OriginParts{std::move(node), ""};
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string node,
                            OriginNode(federation, origin.substr(0, cut)));
  const std::string_view link = origin.substr(cut + 8);
  if (!federation::IsValidNodeId(link)) {
    return InvalidArgument("export origin \"" +
                           std::string(origin.substr(0, 120)) +
                           "\" does not end in a member id [a-z0-9-]{1,32}");
  }
  return OriginParts{std::move(node), std::string(link)};
}

}  // namespace imeisync::node::core
