// The verdict engine: what an operator's EIR answers for one device
// (3GPP EquipmentStatus), from the device's registers, the bundle's policy
// and the operator's local-only facts. A pure function: no I/O, no clock.
//
// docs/verdicts.md holds the decision table; Decide() applies its rows in
// order and reports which one decided. Summary:
//   1. the IMSI asking is paired with the device locally     -> WHITELISTED
//   2. an active BLOCK for an enforced reason, not lifted by
//      an ALLOW for that reason issued at or after it         -> BLACKLISTED
//   3. registration required, no active REGISTER, no ALLOW
//      UNREGISTERED, first seen more than grace days ago      -> BLACKLISTED
//      (GREYLISTED instead when the policy makes UNREGISTERED grey-only
//      and does not also enforce it)
//   4. an active BLOCK for a grey-only reason, not lifted     -> GREYLISTED
//   5. registration required, no active REGISTER, no ALLOW
//      UNREGISTERED, within grace or never seen here          -> GREYLISTED
//   6. otherwise                                              -> WHITELISTED
// A register is "active" when it is its (origin, reason)'s latest
// statement: a CLEAR or DEREGISTER for the same reason replaces it. An
// ALLOW has a register of its own, so a later CLEAR does not cancel it; a
// block issued after it is not lifted by it (state_fold.h).
// A BLOCK for a reason the policy neither enforces nor greylists counts for
// nothing. OriginRules can override the reason for whole origins: the logs
// of foreign members and export logs (docs/links.md).
#ifndef IMEISYNC_NODE_VERDICT_VERDICT_H_
#define IMEISYNC_NODE_VERDICT_VERDICT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "node/federation/bundle.h"
#include "node/state/state_fold.h"

namespace imeisync::node::verdict {

enum class Verdict : uint8_t { kWhitelisted, kGreylisted, kBlacklisted };

// "WHITELISTED", "GREYLISTED", "BLACKLISTED": TS 29.511 EquipmentStatus.
std::string_view VerdictName(Verdict v);

// The row of the decision table that decided.
enum class Rule : uint8_t {
  kPaired = 1,
  kEnforcedBlock = 2,
  kUnregisteredPastGrace = 3,
  kGreyBlock = 4,
  kUnregisteredInGrace = 5,
  kNothingAgainst = 6,
};

// "paired", "enforced-block", "unregistered-past-grace", "grey-block",
// "unregistered-in-grace", "nothing-against".
std::string_view RuleName(Rule r);

// What the operator's own node knows about the device; never replicated.
struct LocalFacts {
  bool paired = false;  // the asking IMSI is paired with this device
  std::optional<uint32_t> first_seen_day;  // days since 1970-01-01 UTC
};

struct Decision {
  Verdict verdict = Verdict::kWhitelisted;
  Rule rule = Rule::kNothingAgainst;
  // Indexes into the registers passed to Decide() of those that decided:
  // the blocks for rows 2 and 4. Empty for the other rows.
  std::vector<uint16_t> basis;
};

// How the blocks of some origins count, whatever their reason: grey-only
// blocks only greylist (row 4, never row 2), ignored ones count for
// nothing, enforced ones as the policy treats their reason. Origins absent
// here count as the policy says.
using OriginRules =
    std::map<std::string, federation::ImportTreatment, std::less<>>;

// Decides for one device. `registers` are all of the device's registers
// (StateFold::RegistersOf), `today` is days since 1970-01-01 UTC.
// REQUIRES: registers.size() < 65536.
Decision Decide(const federation::Policy& policy,
                std::span<const state::Register> registers,
                const LocalFacts& local, uint32_t today,
                const OriginRules& origins = {});

// Whether the policy requires registration and the device lacks it: no
// active REGISTER, and no ALLOW UNREGISTERED exempting it.
bool RegistrationMissing(const federation::Policy& policy,
                         std::span<const state::Register> registers);

// Days since 1970-01-01 UTC of a Unix time in milliseconds.
inline uint32_t DayOf(uint64_t unix_ms) {
  return static_cast<uint32_t>(unix_ms / 86'400'000u);
}

}  // namespace imeisync::node::verdict

#endif  // IMEISYNC_NODE_VERDICT_VERDICT_H_
