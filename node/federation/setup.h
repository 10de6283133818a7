// Creating a federation and its members on disk: what `imeisync federation
// init` and `federation add-member` do. Every secret file is written with
// mode 0600 and never overwritten.
//
// FED directory (the ministry's offline material):
//   ca.key (0600) ca.crt        the federation TLS CA (P-256)
//   federation.key (0600)       Ed25519 key that signs bundles
//   salt (0600)                 salted mode: the 32-byte tag salt, hex
//   oprf.key (0600)             oprf mode: the OPRF key, 64 hex characters
//   bundle.toml bundle.toml.sig the current signed bundle
// NODEDIR (one member's node):
//   node.toml                   local configuration (node_config.h)
//   node.key (0600)             Ed25519 checkpoint-signing key
//   tls.key (0600) tls.crt      certificate with SAN = node id
//   ca.crt bundle.toml bundle.toml.sig
//   salt (0600)                 salted mode: ministry and operators, and a
//                               linked foreign member (it must tag IMEIs
//                               to submit and check; docs/links.md).
//                               Auditors never receive it
//   oprf.key (0600)             oprf mode, the first ministry member only:
//                               it becomes the bundle's OPRF evaluator
#ifndef IMEISYNC_NODE_FEDERATION_SETUP_H_
#define IMEISYNC_NODE_FEDERATION_SETUP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "node/federation/bundle.h"

namespace imeisync::node::federation {

struct CreateFederationOptions {
  std::string dir;  // created; must not exist or be empty
  std::string id;   // [a-z0-9-]{1,32}
  TagMode mode = TagMode::kSalted;
  int ca_days = 3650;
  // oprf mode: the [oprf] budget, evaluations per member per epoch.
  uint64_t oprf_budget = OprfParams::kDefaultOprfBudget;
};

// Creates the FED directory with a version-1 bundle (no members, the
// default policy). InvalidArgument for a bad id, FailedPrecondition for a
// non-empty directory. In oprf mode it creates the OPRF key and puts its
// public half in the bundle's [oprf] table, with no evaluator until the
// first ministry member is added.
Status CreateFederation(const CreateFederationOptions& options);

// The FED directory's bundle, its signature verified with federation.key.
Result<Bundle> LoadFederationBundle(const std::string& fed_dir);

struct AddMemberOptions {
  std::string fed_dir;
  std::string id;
  Role role = Role::kOperator;
  std::string endpoint;  // host:port of its peer listener; may be empty
  std::string out_dir;   // NODEDIR; created, must not exist or be empty
  int cert_days = 825;
  std::string http_listen;  // node.toml's http_listen; "" = no HTTP
  // Role foreign only: the member's [[link]], added in the same bundle
  // version (link.member is set to `id`; an empty exporter is the
  // bundle's first ministry member). docs/links.md.
  std::optional<Link> link = {};
};

// Creates NODEDIR for a new member, adds it to the bundle, re-signs the
// bundle at version + 1 and copies it into NODEDIR. Returns the new
// version. AlreadyExists if the id is taken; InvalidArgument for a bad id
// or endpoint. The FED bundle changes last, so a failure before that leaves
// the federation as it was.
Result<uint64_t> AddMember(const AddMemberOptions& options);

// `imeisync link remove`: drops the [[link]] of foreign member `id` (the
// member stays, with no rights) and re-signs the bundle at version + 1.
// Returns the new version. NotFound if there is no such link.
Result<uint64_t> RemoveLink(const std::string& fed_dir, const std::string& id);

struct JoinLinkResult {
  std::string id;        // our member id in their federation
  std::string federation;
  std::string exporter;  // the peer the link node syncs with
  uint64_t bundle_version = 0;  // held in NODEDIR now
};

// `imeisync link join`: prepares NODEDIR, made by their `link create`, to
// run as the foreign member in the federation of `their_bundle`. Checks
// the bundle's signature with its own federation key, that NODEDIR's
// node.toml names a foreign member with a [[link]], that node.key is the
// key the bundle lists and tls.crt is issued by the bundle's CA for that
// id. Installs the bundle into NODEDIR if it is newer, and sets node.toml's
// listen to the member's endpoint and its peers to the link's exporter.
// FailedPrecondition saying which check failed; nothing is changed then.
Result<JoinLinkResult> JoinLink(const std::string& their_bundle,
                                const std::string& member_dir);

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_SETUP_H_
