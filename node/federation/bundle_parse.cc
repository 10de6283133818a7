// ParseBundle (bundle.h): one function per table of bundle.toml
// (docs/formats.md "Federation bundle"). The members are read first: [oprf]
// names its evaluator among them, [policy] bounds its witness quorum by
// their number and each [[link]] names two of them. The order also decides
// which error a bundle with several gets.
#include <algorithm>
#include <vector>

#include "base/hex.h"
#include "crypto/p256.h"
#include "node/federation/bundle.h"
#include "node/federation/bundle_fields.h"
#include "node/federation/toml_text.h"

namespace imeisync::node::federation {
namespace {

Result<TagMode> ParseMode(const toml::table& root) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string name,
                            GetString(root, "mode", "bundle"));
  if (name == "salted") return TagMode::kSalted;
  if (name == "oprf") return TagMode::kOprf;
  return InvalidArgument("bundle: mode \"" + name +
                         "\" is neither salted nor oprf");
}

// The top-level keys; members, policy, [oprf] and links left empty.
Result<Bundle> ParseHeader(const toml::table& root) {
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(root, "",
                {"version", "federation", "mode", "epoch", "federation_key",
                 "ca_certificate", "member", "policy", "oprf", "link"}));
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version,
                            GetUint(root, "version", "bundle"));
  if (version == 0)
    return InvalidArgument("bundle: version must be at least 1");
  IMEISYNC_ASSIGN_OR_RETURN(std::string federation,
                            GetString(root, "federation", "bundle"));
  if (!IsValidNodeId(federation)) {
    return InvalidArgument("bundle: federation id \"" + federation +
                           "\" is not [a-z0-9-]{1,32}");
  }
  IMEISYNC_ASSIGN_OR_RETURN(TagMode mode, ParseMode(root));
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t epoch, GetUint(root, "epoch", "bundle"));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                            GetKey(root, "federation_key", "bundle"));
  IMEISYNC_ASSIGN_OR_RETURN(std::string ca,
                            GetString(root, "ca_certificate", "bundle", false));
  return Bundle{version,
                std::move(federation),
                mode,
                epoch,
                std::move(key),
                std::move(ca),
                {},
                {},
                {},
                {}};
}

// One [[member]] table. `b` holds the members before it.
Result<Member> ParseMember(const toml::table& t, const toml::node& item,
                           const std::string& path, const Bundle& b) {
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(t, path, {"id", "role", "key", "endpoint", "oprf_budget"}));
  IMEISYNC_ASSIGN_OR_RETURN(std::string id, GetString(t, "id", path));
  if (!IsValidNodeId(id))
    return TableError(item, path, "id \"" + id + "\" is not [a-z0-9-]{1,32}");
  if (b.FindMember(id) != nullptr)
    return TableError(item, path, "member id \"" + id + "\" appears twice");
  IMEISYNC_ASSIGN_OR_RETURN(std::string role_name, GetString(t, "role", path));
  auto role = ParseRole(role_name);
  if (!role)
    return TableError(item, path, "unknown role \"" + role_name + "\"");
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                            GetKey(t, "key", path));
  IMEISYNC_ASSIGN_OR_RETURN(std::string endpoint,
                            GetString(t, "endpoint", path, false));
  IMEISYNC_ASSIGN_OR_RETURN(std::optional<uint64_t> budget,
                            GetOprfBudget(t, item, path, b.mode));
  return Member{std::move(id), *role, std::move(key), std::move(endpoint),
                budget};
}

// Appends each [[`key`]] table of `root`, read with `parse`, to `out`
// (b.members or b.links): each table is checked against the ones before it.
template <class T>
Status ParseTables(const toml::table& root, std::string_view key, Bundle& b,
                   std::vector<T>& out,
                   Result<T> (*parse)(const toml::table&, const toml::node&,
                                      const std::string&, const Bundle&)) {
  IMEISYNC_ASSIGN_OR_RETURN(const toml::array* arr, GetTableArray(root, key));
  if (arr == nullptr) return Status::Ok();
  for (const toml::node& item : *arr) {
    const std::string path =
        std::string(key) + "[" + std::to_string(out.size()) + "]";
    IMEISYNC_ASSIGN_OR_RETURN(T parsed, parse(*item.as_table(), item, path, b));
    out.push_back(std::move(parsed));
  }
  return Status::Ok();
}

// [oprf].public_key: a P-256 element, hex.
Result<Bytes> ParseOprfKey(const toml::table& t) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string key_hex,
                            GetString(t, "public_key", "oprf"));
  auto key = HexDecode(key_hex);
  if (!key.ok()) return key.status().WithContext("bundle: oprf.public_key");
  crypto::P256 group;
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::CheckOpenSsl(ctx != nullptr, "BN_CTX_new");
  Status valid = group.DeserializeElement(*key, ctx.get()).status();
  if (!valid.ok()) return valid.WithContext("bundle: oprf.public_key");
  return key;
}

// The [oprf] table: required in oprf mode, refused in salted mode.
Result<std::optional<OprfParams>> ParseOprf(const toml::table& root,
                                            const Bundle& b) {
  const toml::node* n = root.get("oprf");
  if (b.mode != TagMode::kOprf) {
    if (n != nullptr) {
      return InvalidArgument("bundle: " + Where(*n, "[oprf]") +
                             " is set but mode is salted");
    }
    return std::optional<OprfParams>();
  }
  if (n == nullptr || !n->is_table()) {
    return InvalidArgument(
        "bundle: mode is oprf but the [oprf] table is " +
        std::string(n == nullptr ? "missing" : "not a table"));
  }
  const toml::table& t = *n->as_table();
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(t, "oprf", {"public_key", "evaluator", "budget"}));
  OprfParams o;
  IMEISYNC_ASSIGN_OR_RETURN(o.public_key, ParseOprfKey(t));
  IMEISYNC_ASSIGN_OR_RETURN(o.evaluator, GetString(t, "evaluator", "oprf"));
  // Empty until `federation add-member` adds the first ministry member.
  const Member* evaluator = b.FindMember(o.evaluator);
  if (!o.evaluator.empty() &&
      (evaluator == nullptr || evaluator->role != Role::kMinistry)) {
    return InvalidArgument("bundle: oprf.evaluator \"" + o.evaluator +
                           "\" is not a ministry member of this bundle");
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      o.budget, GetUint(t, "budget", "oprf", OprfParams::kDefaultOprfBudget));
  return std::optional<OprfParams>(std::move(o));
}

// [policy.roles]: a table per role.
Result<std::map<Role, RolePolicy>> ParseRoles(const toml::table& policy) {
  std::map<Role, RolePolicy> out;
  const toml::node* roles_node = policy.get("roles");
  if (roles_node == nullptr) return out;
  const toml::table* roles = roles_node->as_table();
  if (roles == nullptr)
    return InvalidArgument("bundle: " + Where(*roles_node, "policy.roles") +
                           " must be a table");
  for (const auto& [name, value] : *roles) {
    const std::string path = "policy.roles." + std::string(name.str());
    auto role = ParseRole(name.str());
    if (!role || !value.is_table()) {
      return InvalidArgument("bundle: " + Where(value, path) +
                             " is not a role table");
    }
    const toml::table& t = *value.as_table();
    IMEISYNC_RETURN_IF_ERROR(CheckKeys(t, path, {"actions", "reasons"}));
    RolePolicy rp;
    IMEISYNC_ASSIGN_OR_RETURN(rp.actions,
                              GetNames(t, "actions", path, ParseAction));
    IMEISYNC_ASSIGN_OR_RETURN(rp.reasons,
                              GetNames(t, "reasons", path, ParseReason));
    out[*role] = std::move(rp);
  }
  return out;
}

// The [policy] table. `members` bounds the witness quorum.
Result<Policy> ParsePolicy(const toml::table& root, size_t members) {
  const toml::table* policy = root["policy"].as_table();
  if (policy == nullptr) return InvalidArgument("bundle: [policy] is missing");
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(*policy, "policy",
                {"enforced", "grey_only", "registration_required", "grace_days",
                 "witness_quorum", "roles"}));
  Policy p;
  IMEISYNC_ASSIGN_OR_RETURN(
      p.enforced, GetNames(*policy, "enforced", "policy", ParseReason));
  IMEISYNC_ASSIGN_OR_RETURN(
      p.grey_only, GetNames(*policy, "grey_only", "policy", ParseReason));
  if (const toml::node* n = policy->get("registration_required")) {
    auto v = n->value_exact<bool>();
    if (!v)
      return InvalidArgument(
          "bundle: " + Where(*n, "policy.registration_required") +
          " must be true or false");
    p.registration_required = *v;
  }
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t grace,
                            GetUint(*policy, "grace_days", "policy", 0));
  if (grace > 3650)
    return InvalidArgument("bundle: policy.grace_days above 3650");
  p.grace_days = static_cast<uint32_t>(grace);
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t quorum,
                            GetUint(*policy, "witness_quorum", "policy", 0));
  // An origin never witnesses itself: at most members - 1 can cosign.
  const uint64_t witnesses =
      std::min<uint64_t>(members == 0 ? 0 : members - 1, 64);
  if (quorum > witnesses) {
    return InvalidArgument(
        "bundle: policy.witness_quorum " + std::to_string(quorum) +
        " can never be met: at most " + std::to_string(witnesses) +
        " members other than an origin can witness it");
  }
  p.witness_quorum = static_cast<uint32_t>(quorum);
  IMEISYNC_ASSIGN_OR_RETURN(p.roles, ParseRoles(*policy));
  return p;
}

// A [[link]]'s member and exporter. `b` holds the members and the links
// before it.
Status ParseLinkEnds(const toml::table& t, const toml::node& item,
                     const std::string& path, const Bundle& b, Link& link) {
  IMEISYNC_ASSIGN_OR_RETURN(link.member, GetString(t, "member", path));
  const Member* m = b.FindMember(link.member);
  if (m == nullptr || m->role != Role::kForeign) {
    return TableError(item, path,
                      "member \"" + link.member + "\" is not a foreign member");
  }
  if (b.FindLink(link.member) != nullptr) {
    return TableError(item, path,
                      "a second link for member \"" + link.member + "\"");
  }
  IMEISYNC_ASSIGN_OR_RETURN(link.exporter, GetString(t, "exporter", path));
  const Member* exporter = b.FindMember(link.exporter);
  if (exporter == nullptr || exporter->role != Role::kMinistry) {
    return TableError(
        item, path,
        "exporter \"" + link.exporter + "\" is not a ministry member");
  }
  return Status::Ok();
}

// A [[link]]'s export_reasons, import_actions, import_reasons and imported;
// an absent key keeps `link`'s default.
Status ParseLinkRights(const toml::table& t, const toml::node& item,
                       const std::string& path, Link& link) {
  IMEISYNC_ASSIGN_OR_RETURN(
      link.export_reasons,
      GetNames(t, "export_reasons", path, ParseReason, link.export_reasons));
  if (link.export_reasons.count(Reason::kRegistry) != 0) {
    return TableError(item, path,
                      "export_reasons may not hold REGISTRY: the registry is "
                      "never exported");
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      link.imports.actions,
      GetNames(t, "import_actions", path, ParseAction, link.imports.actions));
  for (Action a : link.imports.actions) {
    if (a != Action::kBlock && a != Action::kClear) {
      return TableError(item, path,
                        "import_actions may hold only BLOCK and CLEAR, not " +
                            std::string(ActionName(a)));
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      link.imports.reasons,
      GetNames(t, "import_reasons", path, ParseReason, link.imports.reasons));
  IMEISYNC_ASSIGN_OR_RETURN(std::string treatment,
                            GetString(t, "imported", path, false));
  if (!treatment.empty()) {
    auto parsed = ParseImportTreatment(treatment);
    if (!parsed) {
      return TableError(item, path,
                        "imported \"" + treatment +
                            "\" is none of grey-only, enforce, ignore");
    }
    link.imported = *parsed;
  }
  return Status::Ok();
}

// One [[link]] table. `b` holds the members and the links before it.
Result<Link> ParseLink(const toml::table& t, const toml::node& item,
                       const std::string& path, const Bundle& b) {
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(t, path,
                {"member", "exporter", "export_reasons", "import_actions",
                 "import_reasons", "imported", "oprf_budget"}));
  Link link;
  IMEISYNC_RETURN_IF_ERROR(ParseLinkEnds(t, item, path, b, link));
  IMEISYNC_RETURN_IF_ERROR(ParseLinkRights(t, item, path, link));
  IMEISYNC_ASSIGN_OR_RETURN(link.oprf_budget,
                            GetOprfBudget(t, item, path, b.mode));
  return link;
}

}  // namespace

Result<Bundle> ParseBundle(std::string_view text) {
  IMEISYNC_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, "bundle"));
  IMEISYNC_ASSIGN_OR_RETURN(Bundle b, ParseHeader(root));
  IMEISYNC_RETURN_IF_ERROR(
      ParseTables(root, "member", b, b.members, ParseMember));
  IMEISYNC_ASSIGN_OR_RETURN(b.oprf, ParseOprf(root, b));
  IMEISYNC_ASSIGN_OR_RETURN(b.policy, ParsePolicy(root, b.members.size()));
  IMEISYNC_RETURN_IF_ERROR(ParseTables(root, "link", b, b.links, ParseLink));
  return b;
}

}  // namespace imeisync::node::federation
