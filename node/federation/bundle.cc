#include "node/federation/bundle.h"

#include <algorithm>

#include "base/base64.h"
#include "base/file_util.h"
#include "base/hex.h"
#include "node/federation/toml_text.h"

namespace imeisync::node::federation {
namespace {

constexpr std::pair<Role, std::string_view> kRoles[] = {
    {Role::kMinistry, "ministry"},
    {Role::kOperator, "operator"},
    {Role::kAuditor, "auditor"},
    {Role::kForeign, "foreign"}};

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

// The name of `value` in a table of (value, name) pairs, or "unknown".
template <class T, size_t N>
std::string_view NameIn(const std::pair<T, std::string_view> (&names)[N],
                        T value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

// The value named `name` in a table of (value, name) pairs.
template <class T, size_t N>
std::optional<T> ValueIn(const std::pair<T, std::string_view> (&names)[N],
                         std::string_view name) {
  for (const auto& [v, n] : names) {
    if (n == name) return v;
  }
  return std::nullopt;
}

constexpr std::pair<ImportTreatment, std::string_view> kTreatments[] = {
    {ImportTreatment::kGreyOnly, "grey-only"},
    {ImportTreatment::kEnforce, "enforce"},
    {ImportTreatment::kIgnore, "ignore"}};

}  // namespace

std::string_view ImportTreatmentName(ImportTreatment t) {
  return NameIn(kTreatments, t);
}

std::optional<ImportTreatment> ParseImportTreatment(std::string_view name) {
  return ValueIn(kTreatments, name);
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

std::string_view RoleName(Role role) { return NameIn(kRoles, role); }

std::optional<Role> ParseRole(std::string_view name) {
  return ValueIn(kRoles, name);
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
