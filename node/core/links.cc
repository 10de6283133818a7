#include "node/core/links.h"

#include "node/core/origin_name.h"

namespace imeisync::node::core {

bool MayRead(const federation::Bundle& bundle, const federation::Member& reader,
             std::string_view origin) {
  auto parts = ParseOrigin(bundle.federation, origin);
  if (!parts.ok()) return false;
  if (!parts->link.empty()) {
    const federation::Link* link = bundle.FindLink(parts->link);
    return link != nullptr && link->exporter == parts->node &&
           (reader.id == parts->link || reader.id == parts->node);
  }
  if (reader.role == federation::Role::kForeign) {
    return reader.id == parts->node && bundle.FindLink(reader.id) != nullptr;
  }
  return true;
}

verdict::OriginRules ImportRules(const federation::Bundle& bundle,
                                 std::string_view self) {
  verdict::OriginRules rules;
  for (const federation::Member& m : bundle.members) {
    if (m.role == federation::Role::kForeign) {
      // Without a link a foreign member has no rights, and what it issued
      // while it had one no longer counts.
      const federation::Link* link = bundle.FindLink(m.id);
      rules[OriginName(bundle.federation, m.id)] =
          link ? link->imported : federation::ImportTreatment::kIgnore;
    }
    if (m.role == federation::Role::kMinistry && !self.empty()) {
      // On a link's own node, whatever a ministry exported to it is
      // foreign-stolen here, whether or not the link still stands.
      rules[ExportOriginName(bundle.federation, m.id, self)] =
          federation::ImportTreatment::kGreyOnly;
    }
  }
  return rules;
}

federation::RolePolicy ExportAllowance(const federation::Link& link) {
  return {{Action::kBlock, Action::kClear}, link.export_reasons};
}

}  // namespace imeisync::node::core
