// The decision table of docs/verdicts.md, one case per row, plus the law
// that the order of a device's registers never changes its verdict.
#include "node/verdict/verdict.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>

#include "tests/support/test_seed.h"

namespace imeisync::node::verdict {
namespace {

using federation::Policy;
using state::Register;

constexpr uint32_t kToday = 20'000;
const std::string kMinistry = "imeisync/kz/ministry";
const std::string kBeeline = "imeisync/kz/beeline";
const std::string kUz = "imeisync/kz/uz";

Hash32 Tag() {
  Hash32 t{};
  t[0] = 7;
  return t;
}

Register Reg(const std::string& origin, Action action, Reason reason,
             uint64_t at, uint64_t index = 0) {
  return {origin, index, Entry{action, reason, Tag(), at}};
}

Policy Open() { return federation::DefaultPolicy(); }

Policy Registry(uint32_t grace_days) {
  Policy p = federation::DefaultPolicy();
  p.registration_required = true;
  p.grace_days = grace_days;
  return p;
}

Decision D(const Policy& p, std::vector<Register> regs, LocalFacts local = {}) {
  return Decide(p, regs, local, kToday);
}

void Expect(const Decision& d, Verdict v, Rule r) {
  BOOST_TEST(VerdictName(d.verdict) == VerdictName(v));
  BOOST_TEST(RuleName(d.rule) == RuleName(r));
}

BOOST_AUTO_TEST_SUITE(decision_table)

// Row 1.
BOOST_AUTO_TEST_CASE(row1_a_local_pairing_wins_over_an_enforced_block) {
  LocalFacts local{.paired = true, .first_seen_day = {}};
  Decision d =
      D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 10)}, local);
  Expect(d, Verdict::kWhitelisted, Rule::kPaired);
  BOOST_TEST(d.basis.empty());
}

BOOST_AUTO_TEST_CASE(row1_a_local_pairing_wins_over_missing_registration) {
  LocalFacts local{.paired = true, .first_seen_day = kToday - 400};
  Expect(D(Registry(30), {}, local), Verdict::kWhitelisted, Rule::kPaired);
}

// Row 2.
BOOST_AUTO_TEST_CASE(row2_an_enforced_block_blacklists_and_names_itself) {
  Decision d =
      D(Open(), {Reg(kMinistry, Action::kRegister, Reason::kRegistry, 1),
                 Reg(kBeeline, Action::kBlock, Reason::kStolen, 10)});
  Expect(d, Verdict::kBlacklisted, Rule::kEnforcedBlock);
  BOOST_TEST(d.basis == std::vector<uint16_t>{1},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(row2_every_enforced_block_is_named) {
  Decision d =
      D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 10),
                 Reg(kMinistry, Action::kBlock, Reason::kCounterfeit, 5)});
  Expect(d, Verdict::kBlacklisted, Rule::kEnforcedBlock);
  BOOST_TEST(d.basis.size() == 2u);
}

BOOST_AUTO_TEST_CASE(row2_a_later_allow_for_the_reason_lifts_the_block) {
  Expect(D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 10),
                    Reg(kMinistry, Action::kAllow, Reason::kStolen, 11)}),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
  // Issued at the same millisecond: the override wins.
  Expect(D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 10),
                    Reg(kMinistry, Action::kAllow, Reason::kStolen, 10)}),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row2_the_ministry_clearing_its_own_block_keeps_its_allow) {
  // The ALLOW has a register of its own, so the ministry's later CLEAR for
  // the same reason sits beside it instead of replacing it.
  Expect(D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kLost, 10),
                    Reg(kMinistry, Action::kAllow, Reason::kLost, 11),
                    Reg(kMinistry, Action::kClear, Reason::kLost, 12)}),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row2_an_allow_older_than_the_block_does_not_lift_it) {
  Expect(D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 10),
                    Reg(kMinistry, Action::kAllow, Reason::kStolen, 9)}),
         Verdict::kBlacklisted, Rule::kEnforcedBlock);
}

BOOST_AUTO_TEST_CASE(row2_an_allow_for_another_reason_does_not_lift_it) {
  Expect(D(Open(), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 10),
                    Reg(kMinistry, Action::kAllow, Reason::kLost, 20)}),
         Verdict::kBlacklisted, Rule::kEnforcedBlock);
}

BOOST_AUTO_TEST_CASE(row2_a_cleared_block_is_not_active) {
  // The fold keeps the latest entry per (origin, reason): a CLEAR replaces
  // the BLOCK it lifts.
  Expect(D(Open(), {Reg(kBeeline, Action::kClear, Reason::kStolen, 12)}),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row2_a_reason_both_enforced_and_grey_is_enforced) {
  Policy p = Open();
  p.grey_only.insert(Reason::kLost);
  Expect(D(p, {Reg(kBeeline, Action::kBlock, Reason::kLost, 10)}),
         Verdict::kBlacklisted, Rule::kEnforcedBlock);
}

BOOST_AUTO_TEST_CASE(row2_an_enforced_block_wins_over_a_grey_one) {
  Decision d = D(Open(), {Reg(kUz, Action::kBlock, Reason::kForeignStolen, 10),
                          Reg(kBeeline, Action::kBlock, Reason::kStolen, 10)});
  Expect(d, Verdict::kBlacklisted, Rule::kEnforcedBlock);
  BOOST_TEST(d.basis == std::vector<uint16_t>{1},
             boost::test_tools::per_element());
}

// Row 3.
BOOST_AUTO_TEST_CASE(row3_unregistered_past_grace_is_blacklisted) {
  LocalFacts local{.paired = false, .first_seen_day = kToday - 31};
  Decision d = D(Registry(30), {}, local);
  Expect(d, Verdict::kBlacklisted, Rule::kUnregisteredPastGrace);
  BOOST_TEST(d.basis.empty());
}

BOOST_AUTO_TEST_CASE(row3_a_deregistered_device_is_unregistered) {
  LocalFacts local{.paired = false, .first_seen_day = kToday - 31};
  Expect(D(Registry(30),
           {Reg(kMinistry, Action::kDeregister, Reason::kRegistry, 5)}, local),
         Verdict::kBlacklisted, Rule::kUnregisteredPastGrace);
}

BOOST_AUTO_TEST_CASE(row3_grey_when_the_policy_makes_unregistered_grey) {
  Policy p = Registry(30);
  p.enforced.erase(Reason::kUnregistered);
  p.grey_only.insert(Reason::kUnregistered);
  LocalFacts local{.paired = false, .first_seen_day = kToday - 31};
  Expect(D(p, {}, local), Verdict::kGreylisted, Rule::kUnregisteredPastGrace);
}

BOOST_AUTO_TEST_CASE(row3_unregistered_both_enforced_and_grey_is_enforced) {
  Policy p = Registry(30);
  p.grey_only.insert(Reason::kUnregistered);  // and still enforced
  LocalFacts local{.paired = false, .first_seen_day = kToday - 31};
  Expect(D(p, {}, local), Verdict::kBlacklisted, Rule::kUnregisteredPastGrace);
}

BOOST_AUTO_TEST_CASE(row3_an_allow_unregistered_exempts_the_device) {
  LocalFacts local{.paired = false, .first_seen_day = kToday - 31};
  Expect(D(Registry(30),
           {Reg(kMinistry, Action::kAllow, Reason::kUnregistered, 5)}, local),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row3_beats_a_grey_block) {
  LocalFacts local{.paired = false, .first_seen_day = kToday - 31};
  Expect(D(Registry(30), {Reg(kUz, Action::kBlock, Reason::kForeignStolen, 1)},
           local),
         Verdict::kBlacklisted, Rule::kUnregisteredPastGrace);
}

// Row 4.
BOOST_AUTO_TEST_CASE(row4_a_grey_only_block_greylists_and_names_itself) {
  Decision d =
      D(Open(), {Reg(kUz, Action::kBlock, Reason::kForeignStolen, 10)});
  Expect(d, Verdict::kGreylisted, Rule::kGreyBlock);
  BOOST_TEST(d.basis == std::vector<uint16_t>{0},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(row4_a_later_allow_lifts_a_grey_block) {
  Expect(
      D(Open(), {Reg(kUz, Action::kBlock, Reason::kForeignStolen, 10),
                 Reg(kMinistry, Action::kAllow, Reason::kForeignStolen, 11)}),
      Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row4_beats_unregistered_in_grace) {
  LocalFacts local{.paired = false, .first_seen_day = kToday};
  Expect(D(Registry(30), {Reg(kUz, Action::kBlock, Reason::kForeignStolen, 1)},
           local),
         Verdict::kGreylisted, Rule::kGreyBlock);
}

// Row 5.
BOOST_AUTO_TEST_CASE(row5_unregistered_within_grace_is_greylisted) {
  // Seen exactly grace days ago: still within.
  LocalFacts local{.paired = false, .first_seen_day = kToday - 30};
  Expect(D(Registry(30), {}, local), Verdict::kGreylisted,
         Rule::kUnregisteredInGrace);
}

BOOST_AUTO_TEST_CASE(row5_unregistered_never_seen_here_is_in_grace) {
  Expect(D(Registry(30), {}), Verdict::kGreylisted, Rule::kUnregisteredInGrace);
}

BOOST_AUTO_TEST_CASE(row5_zero_grace_days_ends_grace_the_next_day) {
  LocalFacts seen_today{.paired = false, .first_seen_day = kToday};
  Expect(D(Registry(0), {}, seen_today), Verdict::kGreylisted,
         Rule::kUnregisteredInGrace);
  LocalFacts seen_yesterday{.paired = false, .first_seen_day = kToday - 1};
  Expect(D(Registry(0), {}, seen_yesterday), Verdict::kBlacklisted,
         Rule::kUnregisteredPastGrace);
}

BOOST_AUTO_TEST_CASE(row5_an_enforced_block_still_blacklists_in_grace) {
  LocalFacts local{.paired = false, .first_seen_day = kToday};
  Expect(D(Registry(30), {Reg(kBeeline, Action::kBlock, Reason::kStolen, 1)},
           local),
         Verdict::kBlacklisted, Rule::kEnforcedBlock);
}

// Row 6.
BOOST_AUTO_TEST_CASE(row6_a_device_with_no_registers_is_whitelisted) {
  Expect(D(Open(), {}), Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row6_a_registered_device_is_whitelisted) {
  LocalFacts local{.paired = false, .first_seen_day = kToday - 400};
  Expect(D(Registry(30),
           {Reg(kMinistry, Action::kRegister, Reason::kRegistry, 1)}, local),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(
    row6_a_block_for_a_reason_the_policy_ignores_counts_nothing) {
  Policy p = Open();
  p.enforced.erase(Reason::kLost);
  Expect(D(p, {Reg(kBeeline, Action::kBlock, Reason::kLost, 10)}),
         Verdict::kWhitelisted, Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_CASE(row6_registration_not_required_ignores_first_seen) {
  LocalFacts local{.paired = false, .first_seen_day = kToday - 400};
  Expect(D(Open(), {}, local), Verdict::kWhitelisted, Rule::kNothingAgainst);
}

// Origin rules (docs/links.md): a foreign member's log, or an export log on
// its link node, counts by its link's treatment, whatever the reason.
BOOST_AUTO_TEST_CASE(origin_rules_override_the_reason_for_whole_logs) {
  const std::vector<Register> stolen = {
      Reg(kUz, Action::kBlock, Reason::kStolen, 10)};
  // Without a rule, STOLEN is enforced whoever issued it.
  Expect(D(Open(), stolen), Verdict::kBlacklisted, Rule::kEnforcedBlock);
  using federation::ImportTreatment;
  OriginRules grey{{kUz, ImportTreatment::kGreyOnly}};
  Decision d = Decide(Open(), stolen, {}, kToday, grey);
  Expect(d, Verdict::kGreylisted, Rule::kGreyBlock);
  BOOST_TEST((d.basis == std::vector<uint16_t>{0}));
  OriginRules ignore{{kUz, ImportTreatment::kIgnore}};
  Expect(Decide(Open(), stolen, {}, kToday, ignore), Verdict::kWhitelisted,
         Rule::kNothingAgainst);
  const std::vector<Register> foreign = {
      Reg(kUz, Action::kBlock, Reason::kForeignStolen, 10)};
  Expect(Decide(Open(), foreign, {}, kToday, ignore), Verdict::kWhitelisted,
         Rule::kNothingAgainst);
  // enforce: as the policy treats the reason (FOREIGN_STOLEN is grey-only).
  OriginRules enforce{{kUz, ImportTreatment::kEnforce}};
  Expect(Decide(Open(), foreign, {}, kToday, enforce), Verdict::kGreylisted,
         Rule::kGreyBlock);
  Expect(Decide(Open(), stolen, {}, kToday, enforce), Verdict::kBlacklisted,
         Rule::kEnforcedBlock);
  // A domestic enforced block beside a grey-only import still blacklists.
  std::vector<Register> both = stolen;
  both.push_back(Reg(kBeeline, Action::kBlock, Reason::kStolen, 11));
  d = Decide(Open(), both, {}, kToday, grey);
  Expect(d, Verdict::kBlacklisted, Rule::kEnforcedBlock);
  BOOST_TEST((d.basis == std::vector<uint16_t>{1}));
  // A ministry ALLOW lifts an imported block too.
  both = stolen;
  both.push_back(Reg(kMinistry, Action::kAllow, Reason::kStolen, 12));
  Expect(Decide(Open(), both, {}, kToday, grey), Verdict::kWhitelisted,
         Rule::kNothingAgainst);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(laws)

BOOST_AUTO_TEST_CASE(register_order_never_changes_the_verdict) {
  std::mt19937_64 rng(
      testing::TestSeed("register_order_never_changes_the_verdict"));
  const std::vector<std::string> origins = {kMinistry, kBeeline, kUz};
  for (int round = 0; round < 2000; ++round) {
    Policy p =
        (rng() & 1) ? Open() : Registry(static_cast<uint32_t>(rng() % 60));
    std::vector<Register> regs;
    const size_t n = rng() % 6;
    for (size_t i = 0; i < n; ++i) {
      regs.push_back(Reg(origins[rng() % origins.size()],
                         static_cast<Action>(1 + rng() % 5),
                         static_cast<Reason>(1 + rng() % 8), rng() % 20, i));
    }
    LocalFacts local{.paired = (rng() % 8) == 0, .first_seen_day = {}};
    if (rng() & 1)
      local.first_seen_day = kToday - static_cast<uint32_t>(rng() % 90);
    const Decision d = D(p, regs, local);
    std::vector<Register> shuffled = regs;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const Decision e = D(p, shuffled, local);
    BOOST_TEST_REQUIRE(VerdictName(d.verdict) == VerdictName(e.verdict));
    BOOST_TEST_REQUIRE(RuleName(d.rule) == RuleName(e.rule));
    // The same registers are named, wherever they moved.
    std::vector<uint64_t> a, b;
    for (uint16_t i : d.basis) a.push_back(regs[i].index);
    for (uint16_t i : e.basis) b.push_back(shuffled[i].index);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    BOOST_TEST_REQUIRE(a == b, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::verdict
