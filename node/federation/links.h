// What the bundle's cross-border links (docs/links.md) mean for one node:
// which logs a member may read, and what an export log may hold. Pure
// functions of the bundle. How linked origins count in verdicts is
// verdict::ImportRules (node/verdict/import_rules.h).
//
// Reading rules (MayRead), applied to every peer RPC that names an origin,
// to every frontier served, and to every checkpoint a node accepts:
//   - an export log "imeisync/<fed>/<exporter>/export/<link>": its link's
//     member and its exporter only, while the bundle has that link;
//   - a foreign member: its own log, while it has a link, and nothing else;
//   - every other member: every member's log.
#ifndef IMEISYNC_NODE_FEDERATION_LINKS_H_
#define IMEISYNC_NODE_FEDERATION_LINKS_H_

#include <string>
#include <string_view>

#include "node/federation/bundle.h"

namespace imeisync::node::federation {

// Whether `reader` may read (be served, or hold) the log `origin`.
bool MayRead(const Bundle& bundle, const Member& reader,
             std::string_view origin);

// What an export log of `link` may hold: BLOCK and CLEAR for the reasons
// the link exports.
RolePolicy ExportAllowance(const Link& link);

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_LINKS_H_
