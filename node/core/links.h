// What the bundle's cross-border links (docs/links.md) mean for one node:
// which logs a member may read, how each origin counts in verdicts, and
// what an export log may hold. Pure functions of the bundle.
//
// Reading rules (MayRead), applied to every peer RPC that names an origin,
// to every frontier served, and to every checkpoint a node accepts:
//   - an export log "imeisync/<fed>/<exporter>/export/<link>": its link's
//     member and its exporter only, while the bundle has that link;
//   - a foreign member: its own log, while it has a link, and nothing else;
//   - every other member: every member's log.
#ifndef IMEISYNC_NODE_CORE_LINKS_H_
#define IMEISYNC_NODE_CORE_LINKS_H_

#include <string>
#include <string_view>

#include "node/federation/bundle.h"
#include "node/verdict/verdict.h"

namespace imeisync::node::core {

// Whether `reader` may read (be served, or hold) the log `origin`.
bool MayRead(const federation::Bundle& bundle, const federation::Member& reader,
             std::string_view origin);

// How origins count in the verdicts of member `self`: each foreign member's
// log by its link's `imported` (ignored once its link is gone), and on a
// link's own node its link's export log as grey-only (imported stolen
// devices); any other export log kept for `self` is ignored: it can no
// longer be read, so never cleared. `self` "" for none.
verdict::OriginRules ImportRules(const federation::Bundle& bundle,
                                 std::string_view self);

// What an export log of `link` may hold: BLOCK and CLEAR for the reasons
// the link exports.
federation::RolePolicy ExportAllowance(const federation::Link& link);

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_LINKS_H_
