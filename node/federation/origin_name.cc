#include "node/federation/origin_name.h"

#include "node/federation/bundle.h"

namespace imeisync::node::federation {

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
  if (!IsValidNodeId(id)) {
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
  // Split below "imeisync/<federation>/": ids hold no '/', so the first
  // one after the node id starts an export log's "/export/<link>".
  const std::string prefix = OriginName(federation, "");
  const size_t cut = origin.substr(0, prefix.size()) == prefix
                         ? origin.find('/', prefix.size())
                         : std::string_view::npos;
  if (cut == std::string_view::npos) {
    IMEISYNC_ASSIGN_OR_RETURN(std::string node, OriginNode(federation, origin));
    return OriginParts{std::move(node), ""};
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string node,
                            OriginNode(federation, origin.substr(0, cut)));
  const std::string_view rest = origin.substr(cut);
  const std::string_view link =
      rest.substr(0, 8) == "/export/" ? rest.substr(8) : std::string_view();
  if (!IsValidNodeId(link)) {
    return InvalidArgument("origin \"" + std::string(origin.substr(0, 120)) +
                           "\" is neither imeisync/" + std::string(federation) +
                           "/<node> nor an export log .../<node>/export/"
                           "<member>");
  }
  return OriginParts{std::move(node), std::string(link)};
}

}  // namespace imeisync::node::federation
