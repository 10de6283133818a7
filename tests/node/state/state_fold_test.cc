#include "node/state/state_fold.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <random>

#include "crypto/sha256.h"
#include "node/merkle/state_hash.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::state {
namespace {

using federation::Role;
using testing::TempDir;

std::unique_ptr<store::Env> OpenEnv(const std::string& path) {
  store::EnvOptions o;
  o.path = path;
  o.databases.assign(kStateDatabases.begin(), kStateDatabases.end());
  o.initial_map_size = size_t{64} << 20;
  auto env = store::Env::Open(o);
  BOOST_TEST_REQUIRE(env.ok(), env.status().ToString());
  return std::move(*env);
}

struct Node {
  explicit Node(const std::string& path)
      : env(OpenEnv(path)), fold(*StateFold::Open(*env)) {}
  FoldResult Fold(Role role, const std::string& origin, uint64_t first,
                  std::span<const Entry> entries) {
    FoldResult r;
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      IMEISYNC_ASSIGN_OR_RETURN(r, fold.Fold(txn, federation::DefaultPolicy(),
                                             role, origin, first, entries));
      return Status::Ok();
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    return r;
  }
  Hash32 Root() { return *fold.Root(*env->BeginRead()); }
  std::unique_ptr<store::Env> env;
  StateFold fold;
};

Hash32 Tag(int n) {
  return crypto::Sha256(AsBytes("device " + std::to_string(n)));
}

struct OriginLog {
  std::string name;
  Role role;
  std::vector<Entry> entries;
};

// Three origins' logs over a small set of devices, with entries the
// policy refuses mixed in.
std::vector<OriginLog> RandomLogs(std::mt19937_64& rng) {
  std::vector<OriginLog> logs = {{"imeisync/kz/ministry", Role::kMinistry, {}},
                                 {"imeisync/kz/beeline", Role::kOperator, {}},
                                 {"imeisync/kz/kcell", Role::kOperator, {}}};
  for (auto& log : logs) {
    const size_t n = 200 + rng() % 300;
    for (size_t i = 0; i < n; ++i) {
      Entry e{static_cast<Action>(1 + rng() % 5),
              static_cast<Reason>(1 + rng() % 8),
              Tag(static_cast<int>(rng() % 150)), 1764000000000 + i};
      log.entries.push_back(e);
    }
  }
  return logs;
}

BOOST_AUTO_TEST_SUITE(state_fold)

// Law: the state depends on the logs, not on how they arrived.
BOOST_AUTO_TEST_CASE(any_interleaving_of_the_logs_gives_the_same_root) {
  std::mt19937_64 rng(
      testing::TestSeed("any_interleaving_of_the_logs_gives_the_same_root"));
  const auto logs = RandomLogs(rng);

  // The expected registers, straight from the definition.
  std::map<Hash32, Hash32> model;
  uint64_t expected_rejections = 0;
  for (const auto& log : logs) {
    for (size_t i = 0; i < log.entries.size(); ++i) {
      const Entry& e = log.entries[i];
      if (!federation::Allows(federation::DefaultPolicy(), log.role, e.action,
                              e.reason)) {
        ++expected_rejections;
        continue;
      }
      model[RegisterKey(e.tag, log.name, e.reason, e.action)] =
          RegisterDigest({log.name, i, e});
    }
  }
  const Hash32 want = merkle::ComputeStateRoot(
      std::vector<merkle::StatePair>(model.begin(), model.end()));

  for (int run = 0; run < 3; ++run) {
    TempDir dir;
    Node node(dir.path());
    std::vector<size_t> next(logs.size(), 0);
    uint64_t rejected = 0;
    for (;;) {
      std::vector<size_t> pending;
      for (size_t o = 0; o < logs.size(); ++o) {
        if (next[o] < logs[o].entries.size()) pending.push_back(o);
      }
      if (pending.empty()) break;
      const size_t o = pending[rng() % pending.size()];
      const size_t n =
          std::min<size_t>(1 + rng() % 80, logs[o].entries.size() - next[o]);
      rejected += node.Fold(logs[o].role, logs[o].name, next[o],
                            std::span(logs[o].entries).subspan(next[o], n))
                      .rejected;
      next[o] += n;
    }
    BOOST_TEST_CONTEXT("run " << run) {
      BOOST_TEST(node.Root() == want);
      BOOST_TEST(rejected == expected_rejections);
    }
  }
}

BOOST_AUTO_TEST_CASE(entries_the_policy_refuses_are_counted_not_applied) {
  TempDir dir;
  Node node(dir.path());
  const std::string beeline = "imeisync/kz/beeline";
  std::vector<Entry> entries = {
      {Action::kRegister, Reason::kRegistry, Tag(1),
       1},  // operators may not register
      {Action::kBlock, Reason::kStolen, Tag(2), 2},
      {Action::kBlock, Reason::kCourtOrder, Tag(3),
       3},  // nor block for a court order
      {Action::kRegister, Reason::kRegistry, Tag(4), 4},
  };
  FoldResult r = node.Fold(Role::kOperator, beeline, 0, entries);
  BOOST_TEST(r.applied == 1u);
  BOOST_TEST(r.rejected == 3u);
  auto txn = *node.env->BeginRead();
  auto rejections = *node.fold.Rejections(txn);
  BOOST_TEST((rejections[{beeline, Reason::kRegistry}] == 2u));
  BOOST_TEST((rejections[{beeline, Reason::kCourtOrder}] == 1u));
  BOOST_TEST(node.fold.RegistersOf(txn, Tag(1))->empty());
  auto regs = *node.fold.RegistersOf(txn, Tag(2));
  BOOST_REQUIRE(regs.size() == 1u);
  BOOST_TEST(regs[0].origin == beeline);
  BOOST_TEST(regs[0].index == 1u);
  // The root is that of the one applied register.
  Register applied{beeline, 1, entries[1]};
  BOOST_TEST(r.root ==
             merkle::StateLeafHash(
                 RegisterKey(Tag(2), beeline, Reason::kStolen, Action::kBlock),
                 RegisterDigest(applied)));
}

BOOST_AUTO_TEST_CASE(each_origin_keeps_its_own_latest_entry_per_device) {
  TempDir dir;
  Node node(dir.path());
  std::vector<Entry> beeline = {{Action::kBlock, Reason::kStolen, Tag(7), 1},
                                {Action::kClear, Reason::kStolen, Tag(7), 2}};
  std::vector<Entry> ministry = {
      {Action::kBlock, Reason::kCounterfeit, Tag(7), 3}};
  node.Fold(Role::kOperator, "imeisync/kz/beeline", 0, beeline);
  node.Fold(Role::kMinistry, "imeisync/kz/ministry", 0, ministry);
  auto txn = *node.env->BeginRead();
  auto regs = *node.fold.RegistersOf(txn, Tag(7));
  BOOST_REQUIRE(regs.size() == 2u);
  BOOST_TEST(regs[0].origin == "imeisync/kz/beeline");
  BOOST_TEST((regs[0].entry.action == Action::kClear));
  BOOST_TEST(regs[0].index == 1u);
  BOOST_TEST(regs[1].origin == "imeisync/kz/ministry");
  BOOST_TEST((regs[1].entry.reason == Reason::kCounterfeit));
  BOOST_TEST(node.fold.RegistersOf(txn, Tag(8))->empty());
}

BOOST_AUTO_TEST_CASE(one_origin_keeps_one_register_per_reason) {
  TempDir dir;
  Node node(dir.path());
  const std::string ministry = "imeisync/kz/ministry";
  std::vector<Entry> entries = {
      {Action::kRegister, Reason::kRegistry, Tag(5), 1},
      {Action::kBlock, Reason::kCourtOrder, Tag(5), 2},
      {Action::kBlock, Reason::kDuplicate, Tag(5), 3},
      {Action::kAllow, Reason::kCourtOrder, Tag(5), 4},
      {Action::kClear, Reason::kCourtOrder, Tag(5), 5},
  };
  node.Fold(Role::kMinistry, ministry, 0, entries);
  auto txn = *node.env->BeginRead();
  auto regs = *node.fold.RegistersOf(txn, Tag(5));
  BOOST_REQUIRE(regs.size() == 4u);
  // In (reason, kind) order: DUPLICATE (5), COURT_ORDER (6) statement and
  // override, REGISTRY (8). The CLEAR replaced the BLOCK, not the ALLOW.
  BOOST_TEST((regs[0].entry.action == Action::kBlock));
  BOOST_TEST((regs[0].entry.reason == Reason::kDuplicate));
  BOOST_TEST((regs[1].entry.action == Action::kClear));
  BOOST_TEST(regs[1].index == 4u);
  BOOST_TEST((regs[2].entry.action == Action::kAllow));
  BOOST_TEST(regs[2].index == 3u);
  BOOST_TEST((regs[3].entry.action == Action::kRegister));
  BOOST_TEST(regs[3].index == 0u);
}

BOOST_AUTO_TEST_CASE(state_survives_reopen) {
  TempDir dir;
  Hash32 root;
  {
    Node node(dir.path());
    std::vector<Entry> e = {{Action::kBlock, Reason::kLost, Tag(1), 1}};
    root = node.Fold(Role::kOperator, "o", 0, e).root;
  }
  Node node(dir.path());
  BOOST_TEST(node.Root() == root);
  BOOST_TEST(node.fold.RegistersOf(*node.env->BeginRead(), Tag(1))->size() ==
             1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::state
