#include "node/state/lmdb_state_store.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <random>

#include "node/merkle/memory_state_store.h"
#include "node/merkle/state_tree.h"
#include "tests/node/merkle/state_store_contract.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::state {
namespace {

using merkle::MemoryStateStore;
using merkle::StateOp;
using merkle::StateTree;

struct TreeEnv {
  TreeEnv() {
    store::EnvOptions o;
    o.path = dir.path();
    o.databases.assign(kStateTreeDatabases.begin(), kStateTreeDatabases.end());
    o.initial_map_size = size_t{64} << 20;
    auto opened = store::Env::Open(o);
    BOOST_TEST_REQUIRE(opened.ok(), opened.status().ToString());
    env = std::move(*opened);
    auto opened_dbs = StateTreeDbs::Open(*env);
    BOOST_TEST_REQUIRE(opened_dbs.ok(), opened_dbs.status().ToString());
    dbs = *opened_dbs;
  }
  // Runs `fn` on a store over one write transaction, and commits.
  template <class Fn>
  void Write(Fn fn) {
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      LmdbStateStore store(dbs, txn);
      return fn(store);
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  }
  testing::TempDir dir;
  std::unique_ptr<store::Env> env;
  StateTreeDbs dbs;
};

Hash32 RandomHash(std::mt19937_64& rng) {
  Hash32 h;
  for (auto& b : h) b = static_cast<uint8_t>(rng());
  return h;
}

// Keys sharing 20 bytes a third of the time: deep collapsed chains.
Hash32 RandomKey(std::mt19937_64& rng) {
  Hash32 k = RandomHash(rng);
  if (rng() % 3 == 0) {
    for (int i = 0; i < 20; ++i) k[i] = 0x5a;
    k[20] = static_cast<uint8_t>(rng() % 4);
  }
  return k;
}

std::vector<StateOp> RandomBatch(std::mt19937_64& rng,
                                 std::vector<Hash32>& keys) {
  std::vector<StateOp> ops;
  for (size_t i = 0, n = rng() % 150; i < n; ++i) {
    const int what = static_cast<int>(rng() % 10);
    if (what < 5 || keys.empty()) {
      keys.push_back(RandomKey(rng));
      ops.push_back({keys.back(), RandomHash(rng)});
    } else if (what < 7) {
      ops.push_back({keys[rng() % keys.size()], RandomHash(rng)});
    } else if (what < 9) {
      ops.push_back({keys[rng() % keys.size()], std::nullopt});
    } else {
      ops.push_back({RandomKey(rng), std::nullopt});
    }
  }
  return ops;
}

// Everything a reader can see of a version, in bytes: its root (or the
// error code) and the proofs of `keys` at it.
Bytes Snapshot(const StateTree& tree, uint64_t version,
               const std::vector<Hash32>& keys) {
  Bytes out;
  auto root = tree.RootAt(version);
  out.push_back(static_cast<uint8_t>(root.status().code()));
  if (root.ok()) out.insert(out.end(), root->begin(), root->end());
  for (const Hash32& k : keys) {
    auto proof = tree.ProveAt(k, version);
    out.push_back(static_cast<uint8_t>(proof.status().code()));
    if (proof.ok()) {
      Bytes p = proof->Encode();
      out.insert(out.end(), p.begin(), p.end());
    }
  }
  return out;
}

// The records left, as the store interface lists them.
std::vector<merkle::StaleList> StaleLists(const merkle::StateNodeStore& s) {
  std::vector<merkle::StaleList> out;
  for (uint64_t from = 0;;) {
    auto list = s.NextStale(from);
    BOOST_TEST_REQUIRE(list.ok(), list.status().ToString());
    if (!list->has_value()) return out;
    from = (*list)->version + 1;
    out.push_back(std::move(**list));
  }
}

BOOST_AUTO_TEST_SUITE(lmdb_state_store)

BOOST_AUTO_TEST_CASE(keeps_the_store_contract) {
  TreeEnv t;
  t.Write([](LmdbStateStore& s) {
    testing::CheckStoreContract(s);
    return Status::Ok();
  });
}

BOOST_AUTO_TEST_CASE(a_store_over_a_read_transaction_refuses_writes) {
  TreeEnv t;
  auto txn = *t.env->BeginRead();
  LmdbStateStore s(t.dbs, txn);
  const merkle::NibblePrefix root;
  BOOST_TEST(
      s.PutNodes(1, std::vector<merkle::StateNodeRecord>{{root, {1}}}).code() ==
      StatusCode::kFailedPrecondition);
  BOOST_TEST(s.PutRoot(1, Bytes{0}).code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(s.SetVersion(1).code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(s.DeleteStale(1).code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(*s.Version() == 0u);
}

BOOST_AUTO_TEST_CASE(memory_and_lmdb_stores_agree_on_random_ops) {
  std::mt19937_64 rng(testing::TestSeed(
      "lmdb_state_store/memory_and_lmdb_stores_agree_on_random_ops"));
  TreeEnv t;
  MemoryStateStore memory;
  const StateTree in_memory(memory);
  std::vector<Hash32> keys;
  for (int round = 0; round < 60; ++round) {
    BOOST_TEST_CONTEXT("round " << round) {
      const std::vector<StateOp> ops = RandomBatch(rng, keys);
      Hash32 lmdb_root;
      t.Write([&](LmdbStateStore& s) {
        IMEISYNC_ASSIGN_OR_RETURN(lmdb_root, StateTree(s).Update(ops));
        return Status::Ok();
      });
      BOOST_REQUIRE(*in_memory.Update(ops) == lmdb_root);
      if (rng() % 4 == 0) {
        const uint64_t keep = rng() % (*in_memory.Version() + 3);
        const uint64_t limit = rng() % 400;
        uint64_t lmdb_pruned = 0;
        t.Write([&](LmdbStateStore& s) {
          IMEISYNC_ASSIGN_OR_RETURN(lmdb_pruned,
                                    StateTree(s).Prune(keep, limit));
          return Status::Ok();
        });
        BOOST_REQUIRE(*in_memory.Prune(keep, limit) == lmdb_pruned);
      }
      std::vector<Hash32> probe;
      for (int i = 0; i < 20 && !keys.empty(); ++i)
        probe.push_back(keys[rng() % keys.size()]);
      probe.push_back(RandomKey(rng));
      auto txn = *t.env->BeginRead();
      LmdbStateStore lmdb(t.dbs, txn);
      const uint64_t latest = *in_memory.Version();
      BOOST_REQUIRE(*StateTree(lmdb).Version() == latest);
      for (uint64_t v :
           {uint64_t{0}, rng() % (latest + 1), latest, latest + 1}) {
        BOOST_REQUIRE(Snapshot(StateTree(lmdb), v, probe) ==
                      Snapshot(in_memory, v, probe));
      }
      BOOST_REQUIRE(*lmdb.RootVersions(latest + 1, latest + 1) ==
                    *memory.RootVersions(latest + 1, latest + 1));
      BOOST_REQUIRE(StaleLists(lmdb) == StaleLists(memory));
      BOOST_REQUIRE(*txn.Count(t.dbs.nodes) == memory.node_count());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::state
