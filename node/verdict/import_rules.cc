#include "node/verdict/import_rules.h"

#include "node/federation/origin_name.h"

namespace imeisync::node::verdict {

OriginRules ImportRules(const federation::Bundle& bundle,
                        std::string_view self) {
  OriginRules rules;
  for (const federation::Member& m : bundle.members) {
    if (m.role == federation::Role::kForeign) {
      // Without a link a foreign member has no rights, and what it issued
      // while it had one no longer counts.
      const federation::Link* link = bundle.FindLink(m.id);
      rules[federation::OriginName(bundle.federation, m.id)] =
          link ? link->imported : federation::ImportTreatment::kIgnore;
    }
    if (m.role == federation::Role::kMinistry && !self.empty()) {
      // On a link's own node, what its link's exporter exports counts as
      // foreign-stolen. An export log it can no longer read (the link
      // removed, or given another exporter) would never be cleared: it
      // stops counting.
      const federation::Link* own = bundle.FindLink(self);
      rules[federation::ExportOriginName(bundle.federation, m.id, self)] =
          own != nullptr && own->exporter == m.id
              ? federation::ImportTreatment::kGreyOnly
              : federation::ImportTreatment::kIgnore;
    }
  }
  return rules;
}

}  // namespace imeisync::node::verdict
