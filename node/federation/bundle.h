// The federation bundle: who the members are, what each role may issue, and
// how verdicts treat each reason. A TOML file (bundle.toml) plus a detached
// Ed25519 signature by the federation key (bundle.toml.sig, base64).
// docs/formats.md "Federation bundle" has the schema.
//
// A node trusts the federation key of the bundle it already holds: a new
// bundle is accepted only if that key signed it and its version is higher.
#ifndef IMEISYNC_NODE_FEDERATION_BUNDLE_H_
#define IMEISYNC_NODE_FEDERATION_BUNDLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ed25519.h"
#include "node/entry.h"

namespace imeisync::node::federation {

enum class Role { kMinistry, kOperator, kAuditor, kForeign };
enum class TagMode { kSalted, kOprf };

std::string_view RoleName(Role role);  // "ministry", ...
std::optional<Role> ParseRole(std::string_view name);

// A node id: [a-z0-9-]{1,32}.
bool IsValidNodeId(std::string_view id);

struct Member {
  std::string id;
  Role role;
  crypto::Ed25519PublicKey key;  // signs its log's checkpoints
  std::string endpoint;  // "host:port" of its peer listener; may be empty
  // oprf mode: blinded evaluations this member may ask for per epoch, if
  // set; else the role's default (OprfBudget()). Unset in salted mode.
  std::optional<uint64_t> oprf_budget;
};

struct RolePolicy {
  std::set<Action> actions;
  std::set<Reason> reasons;
  bool operator==(const RolePolicy&) const = default;
};

struct Policy {
  std::map<Role, RolePolicy> roles;  // a role absent here may issue nothing
  std::set<Reason> enforced;         // an active BLOCK for these: BLACKLISTED
  std::set<Reason> grey_only;        // an active BLOCK for these: GREYLISTED
  bool registration_required = false;
  uint32_t grace_days = 0;
  // Witnesses needed before an entry counts for verdicts: an entry counts
  // once a checkpoint covering it carries cosignatures from this many
  // distinct members other than its origin (docs/audit.md "Witnessing").
  // 0 turns the rule off: every verified entry counts.
  uint32_t witness_quorum = 0;
};

// The policy of a new federation (docs/formats.md "Federation bundle"): operators report and
// clear STOLEN and LOST; the ministry keeps the registry, blocks for
// regulatory reasons and may override; auditors issue nothing; foreign
// links submit FOREIGN_STOLEN, which only greylists.
Policy DefaultPolicy();

// Whether `role` may issue `action` for `reason`.
bool Allows(const Policy& policy, Role role, Action action, Reason reason);

// oprf mode's parameters (the bundle's [oprf] table): who holds the key,
// its public half, and the default budget. docs/threat-model.md.
struct OprfParams {
  // The evaluator's public key: a 33-byte compressed P-256 point
  // (SerializeElement, RFC 9497), hex in the file.
  Bytes public_key;
  // The member holding the key, of role ministry; "" until one is added.
  std::string evaluator;
  // Blinded evaluations per epoch for an operator or foreign member without
  // its own oprf_budget. Ministry and auditor members get 0 by default.
  uint64_t budget = kDefaultOprfBudget;

  static constexpr uint64_t kDefaultOprfBudget = 20'000'000;
  bool operator==(const OprfParams&) const = default;
};

// How the entries a foreign member submits count in verdicts here.
enum class ImportTreatment {
  kGreyOnly,  // an active block only greylists, whatever its reason
  kEnforce,   // as the policy treats the reason
  kIgnore,    // replicated and folded, never counted
};
// "grey-only", "enforce", "ignore".
std::string_view ImportTreatmentName(ImportTreatment t);
std::optional<ImportTreatment> ParseImportTreatment(std::string_view name);

// A cross-border link (the bundle's [[link]] tables; docs/links.md): one
// foreign member, what this federation exports to it through the export
// log its exporter keeps, and what it may submit.
struct Link {
  std::string member;    // a member of role foreign; one link per member
  std::string exporter;  // the ministry member that keeps the export log
  // Blocks for these reasons, from domestic logs, are exported. Never
  // REGISTRY: the registry is not exported.
  std::set<Reason> export_reasons = {Reason::kStolen, Reason::kLost};
  // What the foreign member may submit, within its role's policy. Actions
  // are BLOCK and CLEAR only.
  RolePolicy imports = {{Action::kBlock, Action::kClear},
                        {Reason::kForeignStolen}};
  ImportTreatment imported = ImportTreatment::kGreyOnly;
  // oprf mode: the member's evaluations per epoch; unset = OprfBudget()'s
  // other rules. Refused in salted mode.
  std::optional<uint64_t> oprf_budget;
  bool operator==(const Link&) const = default;
};

struct Bundle {
  uint64_t version = 1;  // strictly increasing; a node refuses older ones
  std::string federation;
  TagMode mode = TagMode::kSalted;
  uint64_t epoch = 1;
  crypto::Ed25519PublicKey federation_key;  // verifies the next bundle
  std::string ca_certificate;               // PEM; may be empty in tests
  std::vector<Member> members;
  Policy policy;
  std::optional<OprfParams> oprf;  // set exactly when mode is kOprf
  std::vector<Link> links;         // cross-border links, by member

  const Member* FindMember(std::string_view id) const;
  // The link of foreign member `member`, or nullptr.
  const Link* FindLink(std::string_view member) const;
};

// What `member` may issue: its role's policy, narrowed for a foreign member
// to what its link imports (nothing without a link).
RolePolicy AllowanceOf(const Bundle& bundle, const Member& member);

// How many blinded evaluations `member` may ask for per epoch: its link's
// oprf_budget if set, else its own oprf_budget if set, else the [oprf]
// budget for operators and linked foreign members and 0 for the others
// (a foreign member without a link included). 0 in salted mode.
uint64_t OprfBudget(const Bundle& bundle, const Member& member);

// Reads `path` (bundle.toml) and `path`.sig, parses the bundle and checks
// the signature against the bundle's own federation key, as a node checks
// the first bundle it is given. Errors name the file.
Result<Bundle> LoadSignedBundle(const std::string& path);

// Parses bundle.toml strictly. InvalidArgument naming the key (and its line)
// for: TOML syntax errors, a missing or mistyped field, an unknown key (a
// typo must not silently drop a policy), an invalid id, role, action,
// reason or key, a duplicate member id, or a [[link]] whose member is not
// foreign, whose exporter is not a ministry member, that exports REGISTRY,
// imports an action other than BLOCK or CLEAR, or repeats a member.
Result<Bundle> ParseBundle(std::string_view toml_text);

// The canonical TOML text of `bundle`; ParseBundle(FormatBundle(b)) == b.
std::string FormatBundle(const Bundle& bundle);

// The detached signature over the exact bytes of bundle.toml: base64 of the
// 64-byte Ed25519 signature, with a trailing newline.
std::string SignBundle(std::string_view toml_text,
                       const crypto::Ed25519PrivateKey& key);

// OK if `signature` (bundle.toml.sig contents) is `key`'s signature over
// `toml_text`. InvalidArgument saying why otherwise.
Status VerifyBundleSignature(std::string_view toml_text,
                             std::string_view signature,
                             const crypto::Ed25519PublicKey& key);

// Decides whether `candidate` (already parsed, signature checked against
// `current`'s federation key) may replace `current`. FailedPrecondition for
// an older or equal version, another federation id, another mode, an
// earlier epoch, a new OPRF key in the same epoch (within one chain of
// bundles each epoch has one key, which the tag cache relies on), or new
// export_reasons for a link that keeps its member and exporter (its export
// log cannot be re-derived in place).
Status CheckSuccessor(const Bundle& current, const Bundle& candidate);

}  // namespace imeisync::node::federation

#endif  // IMEISYNC_NODE_FEDERATION_BUNDLE_H_
