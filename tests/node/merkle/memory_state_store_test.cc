#include "node/merkle/memory_state_store.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <random>
#include <utility>

#include "node/merkle/state_diff.h"
#include "node/merkle/state_hash.h"
#include "node/merkle/state_tree.h"
#include "tests/node/merkle/state_store_contract.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::merkle {
namespace {

Hash32 RandomHash(std::mt19937_64& rng) {
  Hash32 h;
  for (auto& b : h) b = static_cast<uint8_t>(rng());
  return h;
}

BOOST_AUTO_TEST_SUITE(memory_state_store)

BOOST_AUTO_TEST_CASE(keeps_the_store_contract) {
  MemoryStateStore s;
  testing::CheckStoreContract(s);
}

BOOST_AUTO_TEST_CASE(refuses_a_bad_batch_whole) {
  MemoryStateStore s;
  NibblePrefix full;
  full.depth = 64;
  const NibblePrefix one = testing::Prefix({1});
  // A prefix 64 nibbles deep, then one given twice: nothing is stored.
  BOOST_TEST(
      s.PutNodes(1, std::vector<StateNodeRecord>{{one, {1}}, {full, {2}}})
          .code() == StatusCode::kInvalidArgument);
  BOOST_TEST(s.PutNodes(1, std::vector<StateNodeRecord>{{one, {1}}, {one, {2}}})
                 .code() == StatusCode::kInvalidArgument);
  BOOST_TEST(s.node_count() == 0u);
  BOOST_TEST(
      s.PutStale(1, std::vector<StateNodeId>{{1, one}, {1, full}}).code() ==
      StatusCode::kInvalidArgument);
  BOOST_TEST(s.stale_count() == 0u);
  BOOST_TEST(s.PutNodes(1, std::vector<StateNodeRecord>{{one, {1}}}).ok());
  BOOST_TEST(s.node_count() == 1u);
}

BOOST_AUTO_TEST_CASE(holds_a_state_tree_that_prunes_to_a_rebuilt_one) {
  std::mt19937_64 rng(testing::TestSeed(
      "memory_state_store/holds_a_state_tree_that_prunes_to_a_rebuilt_one"));
  MemoryStateStore s;
  StateTree tree(s);
  std::map<Hash32, Hash32> model;
  std::vector<Hash32> keys;
  for (int batch = 0; batch < 30; ++batch) {
    std::vector<StateOp> ops;
    for (size_t i = 0, n = 1 + rng() % 200; i < n; ++i) {
      if (keys.empty() || rng() % 3) {
        keys.push_back(RandomHash(rng));
        ops.push_back({keys.back(), RandomHash(rng)});
      } else {
        ops.push_back({keys[rng() % keys.size()], std::nullopt});
      }
    }
    for (auto& op : ops) {
      if (op.value)
        model[op.key] = *op.value;
      else
        model.erase(op.key);
    }
    auto root = tree.Update(ops);
    BOOST_REQUIRE(root.ok());
    BOOST_REQUIRE(*root == ComputeStateRoot({model.begin(), model.end()}));
  }
  BOOST_TEST(*tree.Version() == 30u);
  BOOST_TEST(s.root_count() == 30u);
  while (*tree.Prune(30, 100) != 0) {
  }
  MemoryStateStore fresh;
  std::vector<StateOp> all;
  for (auto& [k, v] : model) all.push_back({k, v});
  BOOST_TEST(*StateTree(fresh).Update(all) == *tree.Root());
  BOOST_TEST(s.node_count() == fresh.node_count());
  BOOST_TEST(s.stale_count() == 0u);
  BOOST_TEST(s.root_count() == 1u);
}

BOOST_AUTO_TEST_CASE(two_trees_in_memory_diff_through_store_views) {
  std::mt19937_64 rng(testing::TestSeed(
      "memory_state_store/two_trees_in_memory_diff_through_store_views"));
  MemoryStateStore sa, sb;
  const StateTree a(sa), b(sb);
  std::vector<StateOp> common;
  for (int i = 0; i < 500; ++i)
    common.push_back({RandomHash(rng), RandomHash(rng)});
  BOOST_REQUIRE(a.Update(common).ok());
  BOOST_REQUIRE(b.Update(common).ok());
  const Hash32 changed = common[rng() % common.size()].key;
  const Hash32 value = RandomHash(rng);
  const Hash32 added = RandomHash(rng);
  BOOST_REQUIRE(b.Update({{changed, value}, {added, value}}).ok());
  StoreStateView va(a), vb(b);
  auto diff = DiffStateTrees(va, vb);
  BOOST_REQUIRE(diff.ok());
  std::vector<StateDifference> want = {{changed, **a.Get(changed), value},
                                       {added, std::nullopt, value}};
  if (added < changed) std::swap(want[0], want[1]);
  BOOST_TEST((*diff == want));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::merkle
