// How each origin counts in the verdicts of one member (docs/links.md):
// the logs of foreign members by their link's `imported` treatment, and
// export logs kept for a link's own node as grey-only. A pure function of
// the bundle.
#ifndef IMEISYNC_NODE_VERDICT_IMPORT_RULES_H_
#define IMEISYNC_NODE_VERDICT_IMPORT_RULES_H_

#include <string_view>

#include "node/federation/bundle.h"
#include "node/verdict/verdict.h"

namespace imeisync::node::verdict {

// How origins count in the verdicts of member `self`: each foreign member's
// log by its link's `imported` (ignored once its link is gone), and on a
// link's own node its link's export log as grey-only (imported stolen
// devices); any other export log kept for `self` is ignored: it can no
// longer be read, so never cleared. `self` "" for none.
OriginRules ImportRules(const federation::Bundle& bundle,
                        std::string_view self);

}  // namespace imeisync::node::verdict

#endif  // IMEISYNC_NODE_VERDICT_IMPORT_RULES_H_
