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

// Indexes of the active, unlifted blocks whose reason is in `reasons`.
std::vector<uint16_t> Blocks(std::span<const Register> registers,
                             const std::set<Reason>& reasons,
                             const std::set<Reason>& excluded) {
  std::vector<uint16_t> out;
  for (size_t i = 0; i < registers.size(); ++i) {
    const Entry& e = registers[i].entry;
    if (e.action != Action::kBlock || reasons.count(e.reason) == 0 ||
        excluded.count(e.reason) != 0 || Lifted(registers, e)) {
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
                const LocalFacts& local, uint32_t today) {
  if (local.paired) return {Verdict::kWhitelisted, Rule::kPaired, {}};
  // A reason both enforced and grey-only is enforced.
  std::vector<uint16_t> black = Blocks(registers, policy.enforced, {});
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
  std::vector<uint16_t> grey =
      Blocks(registers, policy.grey_only, policy.enforced);
  if (!grey.empty()) {
    return {Verdict::kGreylisted, Rule::kGreyBlock, std::move(grey)};
  }
  if (unregistered) {
    return {Verdict::kGreylisted, Rule::kUnregisteredInGrace, {}};
  }
  return {Verdict::kWhitelisted, Rule::kNothingAgainst, {}};
}

}  // namespace imeisync::node::verdict
