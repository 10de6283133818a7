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

}  // namespace imeisync::node::core
