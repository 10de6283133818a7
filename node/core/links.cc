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
      // On a link's own node, what its link's exporter exports counts as
      // foreign-stolen. An export log it can no longer read (the link
      // removed, or given another exporter) would never be cleared: it
      // stops counting.
      const federation::Link* own = bundle.FindLink(self);
      rules[ExportOriginName(bundle.federation, m.id, self)] =
          own != nullptr && own->exporter == m.id
              ? federation::ImportTreatment::kGreyOnly
              : federation::ImportTreatment::kIgnore;
    }
  }
  return rules;
}

federation::RolePolicy ExportAllowance(const federation::Link& link) {
  return {{Action::kBlock, Action::kClear}, link.export_reasons};
}

}  // namespace imeisync::node::core
