#include "node/federation/bundle.h"

#include <algorithm>

#include "base/base64.h"
#include "base/file_util.h"
#include "base/hex.h"
#include "crypto/p256.h"
#include "node/federation/toml_text.h"

namespace imeisync::node::federation {
namespace {

constexpr std::pair<Role, std::string_view> kRoles[] = {
    {Role::kMinistry, "ministry"},
    {Role::kOperator, "operator"},
    {Role::kAuditor, "auditor"},
    {Role::kForeign, "foreign"}};

std::string Where(const toml::node& n, std::string_view path) {
  return std::string(path) + " (line " + std::to_string(n.source().begin.line) +
         ")";
}

Status CheckKeys(const toml::table& t, std::string_view path,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : t) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      return InvalidArgument("bundle: unknown key " + std::string(path) +
                             (path.empty() ? "" : ".") +
                             std::string(key.str()) + " (line " +
                             std::to_string(value.source().begin.line) + ")");
    }
  }
  return Status::Ok();
}

Result<std::string> GetString(const toml::table& t, std::string_view key,
                              std::string_view path, bool required = true) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (!required) return std::string();
    return InvalidArgument("bundle: " + std::string(path) + "." +
                           std::string(key) + " is missing");
  }
  auto v = n->value<std::string>();
  if (!v)
    return InvalidArgument(
        "bundle: " + Where(*n, std::string(path) + "." + std::string(key)) +
        " must be a string");
  return *v;
}

Result<uint64_t> GetUint(const toml::table& t, std::string_view key,
                         std::string_view path,
                         std::optional<uint64_t> fallback = std::nullopt) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (fallback) return *fallback;
    return InvalidArgument("bundle: " + std::string(path) + "." +
                           std::string(key) + " is missing");
  }
  auto v = n->value_exact<int64_t>();
  if (!v || *v < 0) {
    return InvalidArgument(
        "bundle: " + Where(*n, std::string(path) + "." + std::string(key)) +
        " must be a non-negative integer");
  }
  return static_cast<uint64_t>(*v);
}

Result<crypto::Ed25519PublicKey> GetKey(const toml::table& t,
                                        std::string_view key,
                                        std::string_view path) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string text, GetString(t, key, path));
  auto raw = Base64Decode(text);
  if (!raw.ok())
    return raw.status().WithContext("bundle: " + std::string(path) + "." +
                                    std::string(key));
  auto k = crypto::Ed25519PublicKey::FromRaw(*raw);
  if (!k.ok())
    return k.status().WithContext("bundle: " + std::string(path) + "." +
                                  std::string(key));
  return k;
}

template <class T>
Result<std::set<T>> GetNames(const toml::table& t, std::string_view key,
                             std::string_view path,
                             std::optional<T> (*parse)(std::string_view)) {
  std::set<T> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const toml::array* arr = n->as_array();
  const std::string where = std::string(path) + "." + std::string(key);
  if (arr == nullptr)
    return InvalidArgument("bundle: " + Where(*n, where) + " must be an array");
  for (const toml::node& item : *arr) {
    auto s = item.value<std::string>();
    auto v = s ? parse(*s) : std::nullopt;
    if (!v) {
      return InvalidArgument("bundle: " + Where(item, where) +
                             ": unknown name \"" +
                             (s ? *s : std::string("<not a string>")) + "\"");
    }
    out.insert(*v);
  }
  return out;
}

template <class T>
std::string NameList(const std::set<T>& items, std::string_view (*name)(T)) {
  std::string out = "[";
  for (T item : items) {
    if (out.size() > 1) out += ", ";
    out += "\"" + std::string(name(item)) + "\"";
  }
  return out + "]";
}

std::string KeyText(const crypto::Ed25519PublicKey& k) {
  return Base64Encode(k.raw());
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
  IMEISYNC_ASSIGN_OR_RETURN(std::string key_hex,
                            GetString(t, "public_key", "oprf"));
  auto key = HexDecode(key_hex);
  if (!key.ok()) return key.status().WithContext("bundle: oprf.public_key");
  {
    crypto::P256 group;
    crypto::BnCtxPtr ctx(BN_CTX_new());
    crypto::CheckOpenSsl(ctx != nullptr, "BN_CTX_new");
    Status valid = group.DeserializeElement(*key, ctx.get()).status();
    if (!valid.ok()) return valid.WithContext("bundle: oprf.public_key");
  }
  o.public_key = *std::move(key);
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

constexpr std::pair<ImportTreatment, std::string_view> kTreatments[] = {
    {ImportTreatment::kGreyOnly, "grey-only"},
    {ImportTreatment::kEnforce, "enforce"},
    {ImportTreatment::kIgnore, "ignore"}};

// One [[link]] table. `b` holds the members already parsed.
Result<Link> ParseLink(const toml::table& t, const toml::node& item,
                       const std::string& path, const Bundle& b) {
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(t, path,
                {"member", "exporter", "export_reasons", "import_actions",
                 "import_reasons", "imported", "oprf_budget"}));
  Link link;
  IMEISYNC_ASSIGN_OR_RETURN(link.member, GetString(t, "member", path));
  const Member* m = b.FindMember(link.member);
  if (m == nullptr || m->role != Role::kForeign) {
    return InvalidArgument("bundle: " + Where(item, path) + ": member \"" +
                           link.member + "\" is not a foreign member");
  }
  if (b.FindLink(link.member) != nullptr) {
    return InvalidArgument("bundle: " + Where(item, path) +
                           ": a second link for member \"" + link.member +
                           "\"");
  }
  IMEISYNC_ASSIGN_OR_RETURN(link.exporter, GetString(t, "exporter", path));
  const Member* exporter = b.FindMember(link.exporter);
  if (exporter == nullptr || exporter->role != Role::kMinistry) {
    return InvalidArgument("bundle: " + Where(item, path) + ": exporter \"" +
                           link.exporter + "\" is not a ministry member");
  }
  if (t.contains("export_reasons")) {
    IMEISYNC_ASSIGN_OR_RETURN(link.export_reasons,
                              GetNames(t, "export_reasons", path, ParseReason));
  }
  if (link.export_reasons.count(Reason::kRegistry) != 0) {
    return InvalidArgument("bundle: " + Where(item, path) +
                           ": export_reasons may not hold REGISTRY: the "
                           "registry is never exported");
  }
  if (t.contains("import_actions")) {
    IMEISYNC_ASSIGN_OR_RETURN(link.imports.actions,
                              GetNames(t, "import_actions", path, ParseAction));
  }
  for (Action a : link.imports.actions) {
    if (a != Action::kBlock && a != Action::kClear) {
      return InvalidArgument("bundle: " + Where(item, path) +
                             ": import_actions may hold only BLOCK and "
                             "CLEAR, not " +
                             std::string(ActionName(a)));
    }
  }
  if (t.contains("import_reasons")) {
    IMEISYNC_ASSIGN_OR_RETURN(link.imports.reasons,
                              GetNames(t, "import_reasons", path, ParseReason));
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string treatment,
                            GetString(t, "imported", path, false));
  if (!treatment.empty()) {
    auto parsed = ParseImportTreatment(treatment);
    if (!parsed) {
      return InvalidArgument("bundle: " + Where(item, path) + ": imported \"" +
                             treatment +
                             "\" is none of grey-only, enforce, ignore");
    }
    link.imported = *parsed;
  }
  if (t.contains("oprf_budget")) {
    if (b.mode != TagMode::kOprf) {
      return InvalidArgument("bundle: " + Where(item, path) +
                             ": oprf_budget is set but mode is salted");
    }
    IMEISYNC_ASSIGN_OR_RETURN(link.oprf_budget,
                              GetUint(t, "oprf_budget", path));
  }
  return link;
}

}  // namespace

std::string_view ImportTreatmentName(ImportTreatment t) {
  for (const auto& [v, name] : kTreatments) {
    if (v == t) return name;
  }
  return "unknown";
}

std::optional<ImportTreatment> ParseImportTreatment(std::string_view name) {
  for (const auto& [v, n] : kTreatments) {
    if (n == name) return v;
  }
  return std::nullopt;
}

const Link* Bundle::FindLink(std::string_view member) const {
  for (const Link& l : links) {
    if (l.member == member) return &l;
  }
  return nullptr;
}

RolePolicy AllowanceOf(const Bundle& bundle, const Member& member) {
  auto it = bundle.policy.roles.find(member.role);
  if (it == bundle.policy.roles.end()) return {};
  if (member.role != Role::kForeign) return it->second;
  const Link* link = bundle.FindLink(member.id);
  if (link == nullptr) return {};
  RolePolicy out;
  for (Action a : link->imports.actions) {
    if (it->second.actions.count(a) != 0) out.actions.insert(a);
  }
  for (Reason r : link->imports.reasons) {
    if (it->second.reasons.count(r) != 0) out.reasons.insert(r);
  }
  return out;
}

uint64_t OprfBudget(const Bundle& bundle, const Member& member) {
  if (!bundle.oprf) return 0;
  if (const Link* link = bundle.FindLink(member.id);
      link != nullptr && link->oprf_budget) {
    return *link->oprf_budget;
  }
  if (member.oprf_budget) return *member.oprf_budget;
  if (member.role == Role::kOperator) return bundle.oprf->budget;
  // A foreign member's tags serve its link: without one, none.
  if (member.role == Role::kForeign && bundle.FindLink(member.id) != nullptr)
    return bundle.oprf->budget;
  return 0;
}

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return std::nullopt;
}

bool IsValidNodeId(std::string_view id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

Policy DefaultPolicy() {
  Policy p;
  p.roles[Role::kMinistry] = {
      {Action::kBlock, Action::kClear, Action::kRegister, Action::kDeregister,
       Action::kAllow},
      {Reason::kStolen, Reason::kLost, Reason::kUnregistered,
       Reason::kCounterfeit, Reason::kDuplicate, Reason::kCourtOrder,
       Reason::kRegistry}};
  p.roles[Role::kOperator] = {{Action::kBlock, Action::kClear},
                              {Reason::kStolen, Reason::kLost}};
  p.roles[Role::kForeign] = {{Action::kBlock, Action::kClear},
                             {Reason::kForeignStolen}};
  p.enforced = {Reason::kStolen,      Reason::kLost,      Reason::kUnregistered,
                Reason::kCounterfeit, Reason::kDuplicate, Reason::kCourtOrder};
  p.grey_only = {Reason::kForeignStolen};
  return p;
}

bool Allows(const Policy& policy, Role role, Action action, Reason reason) {
  auto it = policy.roles.find(role);
  return it != policy.roles.end() && it->second.actions.count(action) != 0 &&
         it->second.reasons.count(reason) != 0;
}

const Member* Bundle::FindMember(std::string_view id) const {
  for (const Member& m : members) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

Result<Bundle> ParseBundle(std::string_view text) {
  IMEISYNC_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, "bundle"));
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
  IMEISYNC_ASSIGN_OR_RETURN(std::string mode_name,
                            GetString(root, "mode", "bundle"));
  TagMode mode;
  if (mode_name == "salted") {
    mode = TagMode::kSalted;
  } else if (mode_name == "oprf") {
    mode = TagMode::kOprf;
  } else {
    return InvalidArgument("bundle: mode \"" + mode_name +
                           "\" is neither salted nor oprf");
  }
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t epoch, GetUint(root, "epoch", "bundle"));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                            GetKey(root, "federation_key", "bundle"));
  IMEISYNC_ASSIGN_OR_RETURN(std::string ca,
                            GetString(root, "ca_certificate", "bundle", false));
  Bundle b{version,
           std::move(federation),
           mode,
           epoch,
           std::move(key),
           std::move(ca),
           {},
           {},
           {},
           {}};

  if (const toml::node* members = root.get("member")) {
    const toml::array* arr = members->as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      return InvalidArgument("bundle: " + Where(*members, "member") +
                             " must be [[member]] tables");
    }
    for (const toml::node& item : *arr) {
      const toml::table& t = *item.as_table();
      const std::string path =
          "member[" + std::to_string(b.members.size()) + "]";
      IMEISYNC_RETURN_IF_ERROR(
          CheckKeys(t, path, {"id", "role", "key", "endpoint", "oprf_budget"}));
      IMEISYNC_ASSIGN_OR_RETURN(std::string id, GetString(t, "id", path));
      if (!IsValidNodeId(id)) {
        return InvalidArgument("bundle: " + Where(item, path) + ": id \"" + id +
                               "\" is not [a-z0-9-]{1,32}");
      }
      if (b.FindMember(id) != nullptr) {
        return InvalidArgument("bundle: " + Where(item, path) +
                               ": member id \"" + id + "\" appears twice");
      }
      IMEISYNC_ASSIGN_OR_RETURN(std::string role_name,
                                GetString(t, "role", path));
      auto role = ParseRole(role_name);
      if (!role) {
        return InvalidArgument("bundle: " + Where(item, path) +
                               ": unknown role \"" + role_name + "\"");
      }
      IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey member_key,
                                GetKey(t, "key", path));
      IMEISYNC_ASSIGN_OR_RETURN(std::string endpoint,
                                GetString(t, "endpoint", path, false));
      std::optional<uint64_t> budget;
      if (t.contains("oprf_budget")) {
        if (mode != TagMode::kOprf) {
          return InvalidArgument("bundle: " + Where(item, path) +
                                 ": oprf_budget is set but mode is salted");
        }
        IMEISYNC_ASSIGN_OR_RETURN(budget, GetUint(t, "oprf_budget", path));
      }
      b.members.push_back({std::move(id), *role, std::move(member_key),
                           std::move(endpoint), budget});
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(b.oprf, ParseOprf(root, b));

  const toml::table* policy = root["policy"].as_table();
  if (policy == nullptr) return InvalidArgument("bundle: [policy] is missing");
  IMEISYNC_RETURN_IF_ERROR(
      CheckKeys(*policy, "policy",
                {"enforced", "grey_only", "registration_required", "grace_days",
                 "witness_quorum", "roles"}));
  IMEISYNC_ASSIGN_OR_RETURN(
      b.policy.enforced, GetNames(*policy, "enforced", "policy", ParseReason));
  IMEISYNC_ASSIGN_OR_RETURN(
      b.policy.grey_only,
      GetNames(*policy, "grey_only", "policy", ParseReason));
  if (const toml::node* n = policy->get("registration_required")) {
    auto v = n->value_exact<bool>();
    if (!v)
      return InvalidArgument(
          "bundle: " + Where(*n, "policy.registration_required") +
          " must be true or false");
    b.policy.registration_required = *v;
  }
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t grace,
                            GetUint(*policy, "grace_days", "policy", 0));
  if (grace > 3650)
    return InvalidArgument("bundle: policy.grace_days above 3650");
  b.policy.grace_days = static_cast<uint32_t>(grace);
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t quorum,
                            GetUint(*policy, "witness_quorum", "policy", 0));
  // An origin never witnesses itself: at most members - 1 can cosign.
  const uint64_t witnesses =
      std::min<uint64_t>(b.members.empty() ? 0 : b.members.size() - 1, 64);
  if (quorum > witnesses) {
    return InvalidArgument(
        "bundle: policy.witness_quorum " + std::to_string(quorum) +
        " can never be met: at most " + std::to_string(witnesses) +
        " members other than an origin can witness it");
  }
  b.policy.witness_quorum = static_cast<uint32_t>(quorum);
  if (const toml::node* roles_node = policy->get("roles")) {
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
      b.policy.roles[*role] = std::move(rp);
    }
  }
  if (const toml::node* links = root.get("link")) {
    const toml::array* arr = links->as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      return InvalidArgument("bundle: " + Where(*links, "link") +
                             " must be [[link]] tables");
    }
    for (const toml::node& item : *arr) {
      const std::string path = "link[" + std::to_string(b.links.size()) + "]";
      IMEISYNC_ASSIGN_OR_RETURN(Link link,
                                ParseLink(*item.as_table(), item, path, b));
      b.links.push_back(std::move(link));
    }
  }
  return b;
}

std::string FormatBundle(const Bundle& b) {
  std::string out;
  out += "# imeisync federation bundle. Signed: see bundle.toml.sig.\n";
  out += "version = " + std::to_string(b.version) + "\n";
  out += "federation = " + TomlQuote(b.federation) + "\n";
  out += std::string("mode = ") +
         (b.mode == TagMode::kSalted ? "\"salted\"" : "\"oprf\"") + "\n";
  out += "epoch = " + std::to_string(b.epoch) + "\n";
  out += "federation_key = " + TomlQuote(KeyText(b.federation_key)) + "\n";
  if (!b.ca_certificate.empty())
    out += "ca_certificate = '''\n" + b.ca_certificate + "'''\n";
  for (const Member& m : b.members) {
    out += "\n[[member]]\n";
    out += "id = " + TomlQuote(m.id) + "\n";
    out += "role = " + TomlQuote(RoleName(m.role)) + "\n";
    out += "key = " + TomlQuote(KeyText(m.key)) + "\n";
    if (!m.endpoint.empty())
      out += "endpoint = " + TomlQuote(m.endpoint) + "\n";
    if (m.oprf_budget)
      out += "oprf_budget = " + std::to_string(*m.oprf_budget) + "\n";
  }
  if (b.oprf) {
    out += "\n[oprf]\n";
    out += "public_key = " + TomlQuote(HexEncode(b.oprf->public_key)) + "\n";
    out += "evaluator = " + TomlQuote(b.oprf->evaluator) + "\n";
    out += "budget = " + std::to_string(b.oprf->budget) + "\n";
  }
  out += "\n[policy]\n";
  out += "enforced = " + NameList(b.policy.enforced, ReasonName) + "\n";
  out += "grey_only = " + NameList(b.policy.grey_only, ReasonName) + "\n";
  out += std::string("registration_required = ") +
         (b.policy.registration_required ? "true" : "false") + "\n";
  out += "grace_days = " + std::to_string(b.policy.grace_days) + "\n";
  out += "witness_quorum = " + std::to_string(b.policy.witness_quorum) + "\n";
  for (const auto& [role, rp] : b.policy.roles) {
    out += "\n[policy.roles." + std::string(RoleName(role)) + "]\n";
    out += "actions = " + NameList(rp.actions, ActionName) + "\n";
    out += "reasons = " + NameList(rp.reasons, ReasonName) + "\n";
  }
  for (const Link& l : b.links) {
    out += "\n[[link]]\n";
    out += "member = " + TomlQuote(l.member) + "\n";
    out += "exporter = " + TomlQuote(l.exporter) + "\n";
    out += "export_reasons = " + NameList(l.export_reasons, ReasonName) + "\n";
    out += "import_actions = " + NameList(l.imports.actions, ActionName) + "\n";
    out += "import_reasons = " + NameList(l.imports.reasons, ReasonName) + "\n";
    out += "imported = " + TomlQuote(ImportTreatmentName(l.imported)) + "\n";
    if (l.oprf_budget)
      out += "oprf_budget = " + std::to_string(*l.oprf_budget) + "\n";
  }
  return out;
}

std::string SignBundle(std::string_view toml_text,
                       const crypto::Ed25519PrivateKey& key) {
  return Base64Encode(key.Sign(AsBytes(toml_text))) + "\n";
}

Status VerifyBundleSignature(std::string_view toml_text,
                             std::string_view signature,
                             const crypto::Ed25519PublicKey& key) {
  if (signature.ends_with('\n')) signature.remove_suffix(1);
  auto raw = Base64Decode(signature);
  if (!raw.ok()) return raw.status().WithContext("bundle signature");
  Status s = key.Verify(AsBytes(toml_text), *raw);
  if (!s.ok()) return s.WithContext("bundle signature");
  return Status::Ok();
}

Status CheckSuccessor(const Bundle& current, const Bundle& candidate) {
  if (candidate.federation != current.federation) {
    return FailedPrecondition(
        "bundle is for federation \"" + candidate.federation +
        "\", this node belongs to \"" + current.federation + "\"");
  }
  if (candidate.version <= current.version) {
    return FailedPrecondition("bundle version " +
                              std::to_string(candidate.version) +
                              " is not newer than the current version " +
                              std::to_string(current.version));
  }
  if (candidate.epoch < current.epoch) {
    return FailedPrecondition(
        "bundle goes back from epoch " + std::to_string(current.epoch) +
        " to " + std::to_string(candidate.epoch) +
        ": tags cached under the later epoch's key would be reused");
  }
  if (candidate.mode != current.mode) {
    return FailedPrecondition(
        "bundle changes the federation's tag mode: every tag would change; "
        "start a new federation instead");
  }
  if (candidate.oprf && current.oprf &&
      candidate.oprf->public_key != current.oprf->public_key &&
      candidate.epoch <= current.epoch) {
    return FailedPrecondition(
        "bundle changes the OPRF key without a new epoch (epoch " +
        std::to_string(candidate.epoch) +
        "): nodes would keep tags cached under the old key");
  }
  // An export log is derived once, entry by entry: it cannot be re-derived
  // under other reasons in place (docs/links.md "Change a link").
  for (const Link& now : current.links) {
    const Link* next = candidate.FindLink(now.member);
    if (next != nullptr && next->exporter == now.exporter &&
        next->export_reasons != now.export_reasons) {
      return FailedPrecondition(
          "bundle changes what the link of " + now.member +
          " exports: its export log cannot be re-derived in place; link the "
          "foreign regulator again under a new member id");
    }
  }
  return Status::Ok();
}

Result<Bundle> LoadSignedBundle(const std::string& path) {
  constexpr size_t kMaxBundleBytes = 4 << 20;
  IMEISYNC_ASSIGN_OR_RETURN(std::string toml, ReadFile(path, kMaxBundleBytes));
  IMEISYNC_ASSIGN_OR_RETURN(std::string sig, ReadFile(path + ".sig", 1024));
  auto bundle = ParseBundle(toml);
  if (!bundle.ok()) {
    return Status(bundle.status().code(),
                  path + ": " + bundle.status().message());
  }
  Status ok = VerifyBundleSignature(toml, sig, bundle->federation_key);
  if (!ok.ok()) return Status(ok.code(), path + ".sig: " + ok.message());
  return bundle;
}

}  // namespace imeisync::node::federation
