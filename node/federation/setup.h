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
//   salt (0600)                 ministry and operators only: auditors and
//                               foreign members never receive the salt
//   oprf.key (0600)             oprf mode, the first ministry member only:
//                               it becomes the bundle's OPRF evaluator
#ifndef IMEISYNC_NODE_FEDERATION_SETUP_H_
#define IMEISYNC_NODE_FEDERATION_SETUP_H_

#include <cstdint>
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
};

// Creates NODEDIR for a new member, adds it to the bundle, re-signs the
// bundle at version + 1 and copies it into NODEDIR. Returns the new
// version. AlreadyExists if the id is taken; InvalidArgument for a bad id
// or endpoint. The FED bundle changes last, so a failure before that leaves
// the federation as it was.
Result<uint64_t> AddMember(const AddMemberOptions& options);

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_SETUP_H_
