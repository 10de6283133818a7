#include "node/verdict/verdict.h"

namespace imeisync::node::verdict {
namespace {

using federation::Policy;
using state::Register;

// The latest issued_at_ms of an ALLOW for `reason`, if any.
std::optional<uint64_t> LatestAllow(std::span<const Register> registers,
                                    Reason reason) {
  std::optional<uint64_t> latest;
  for (const Register& r : registers) {
    if (r.entry.action == Action::kAllow && r.entry.reason == reason &&
        (!latest || r.entry.issued_at_ms > *latest)) {
      latest = r.entry.issued_at_ms;
    }
  }
  return latest;
}

bool Lifted(std::span<const Register> registers, const Entry& block) {
  std::optional<uint64_t> allow = LatestAllow(registers, block.reason);
  return allow && *allow >= block.issued_at_ms;
}

enum class Pass { kEnforced, kGrey };

// Whether the block `r` counts in `pass`: by its origin's rule if it has
// one, else by its reason. A reason both enforced and grey-only is enforced.
bool Counts(const Register& r, Pass pass, const Policy& policy,
            const OriginRules& origins) {
  auto rule = origins.find(r.origin);
  if (rule != origins.end()) {
    switch (rule->second) {
      case federation::ImportTreatment::kIgnore:
        return false;
      case federation::ImportTreatment::kGreyOnly:
        return pass == Pass::kGrey;
      case federation::ImportTreatment::kEnforce:
        break;
    }
  }
  const bool enforced = policy.enforced.count(r.entry.reason) != 0;
  if (pass == Pass::kEnforced) return enforced;
  return !enforced && policy.grey_only.count(r.entry.reason) != 0;
}

// Indexes of the active, unlifted blocks that count in `pass`.
std::vector<uint16_t> Blocks(std::span<const Register> registers, Pass pass,
                             const Policy& policy, const OriginRules& origins) {
  std::vector<uint16_t> out;
  for (size_t i = 0; i < registers.size(); ++i) {
    const Entry& e = registers[i].entry;
    if (e.action != Action::kBlock ||
        !Counts(registers[i], pass, policy, origins) || Lifted(registers, e)) {
      continue;
    }
    out.push_back(static_cast<uint16_t>(i));
  }
  return out;
}

}  // namespace

bool RegistrationMissing(const Policy& policy,
                         std::span<const Register> registers) {
  if (!policy.registration_required) return false;
  for (const Register& r : registers) {
    if (r.entry.action == Action::kRegister) return false;
    if (r.entry.action == Action::kAllow &&
        r.entry.reason == Reason::kUnregistered) {
      return false;
    }
  }
  return true;
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kWhitelisted:
      return "WHITELISTED";
    case Verdict::kGreylisted:
      return "GREYLISTED";
    case Verdict::kBlacklisted:
      return "BLACKLISTED";
  }
  return "WHITELISTED";
}

std::string_view RuleName(Rule r) {
  switch (r) {
    case Rule::kPaired:
      return "paired";
    case Rule::kEnforcedBlock:
      return "enforced-block";
    case Rule::kUnregisteredPastGrace:
      return "unregistered-past-grace";
    case Rule::kGreyBlock:
      return "grey-block";
    case Rule::kUnregisteredInGrace:
      return "unregistered-in-grace";
    case Rule::kNothingAgainst:
      return "nothing-against";
  }
  return "nothing-against";
}

Decision Decide(const Policy& policy, std::span<const Register> registers,
                const LocalFacts& local, uint32_t today,
                const OriginRules& origins) {
  if (local.paired) return {Verdict::kWhitelisted, Rule::kPaired, {}};
  std::vector<uint16_t> black =
      Blocks(registers, Pass::kEnforced, policy, origins);
  if (!black.empty()) {
    return {Verdict::kBlacklisted, Rule::kEnforcedBlock, std::move(black)};
  }
  const bool unregistered = RegistrationMissing(policy, registers);
  const bool in_grace =
      !local.first_seen_day ||
      uint64_t{*local.first_seen_day} + policy.grace_days >= today;
  if (unregistered && !in_grace) {
    const bool grey = policy.grey_only.count(Reason::kUnregistered) != 0 &&
                      policy.enforced.count(Reason::kUnregistered) == 0;
    return {grey ? Verdict::kGreylisted : Verdict::kBlacklisted,
            Rule::kUnregisteredPastGrace,
            {}};
  }
  std::vector<uint16_t> grey = Blocks(registers, Pass::kGrey, policy, origins);
  if (!grey.empty()) {
    return {Verdict::kGreylisted, Rule::kGreyBlock, std::move(grey)};
  }
  if (unregistered) {
    return {Verdict::kGreylisted, Rule::kUnregisteredInGrace, {}};
  }
  return {Verdict::kWhitelisted, Rule::kNothingAgainst, {}};
}

}  // namespace imeisync::node::verdict
