#include "node/federation/links.h"

#include "node/federation/origin_name.h"

namespace imeisync::node::federation {

bool MayRead(const Bundle& bundle, const Member& reader,
             std::string_view origin) {
  auto parts = ParseOrigin(bundle.federation, origin);
  if (!parts.ok()) return false;
  if (!parts->link.empty()) {
    const Link* link = bundle.FindLink(parts->link);
    return link != nullptr && link->exporter == parts->node &&
           (reader.id == parts->link || reader.id == parts->node);
  }
  if (reader.role == Role::kForeign) {
    return reader.id == parts->node && bundle.FindLink(reader.id) != nullptr;
  }
  return true;
}

RolePolicy ExportAllowance(const Link& link) {
  return {{Action::kBlock, Action::kClear}, link.export_reasons};
}

}  // namespace imeisync::node::federation
