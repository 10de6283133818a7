#include "node/merkle/state_tree.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <random>

#include "base/hex.h"
#include "node/merkle/state_diff.h"
#include "node/merkle/state_hash.h"
#include "node/merkle/state_proof.h"
#include "node/state/lmdb_state_store.h"
#include "node/store/env.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::merkle {
namespace {

using testing::TempDir;
using Set = std::map<Hash32, Hash32>;

// One LMDB environment holding one state tree.
struct TreeEnv {
  explicit TreeEnv(const std::string& path) {
    store::EnvOptions o;
    o.path = path;
    o.databases.assign(state::kStateTreeDatabases.begin(),
                       state::kStateTreeDatabases.end());
    o.initial_map_size = size_t{64} << 20;
    auto opened = store::Env::Open(o);
    BOOST_TEST_REQUIRE(opened.ok(), opened.status().ToString());
    env = std::move(*opened);
    auto dbs = state::StateTreeDbs::Open(*env);
    BOOST_TEST_REQUIRE(dbs.ok(), dbs.status().ToString());
    tree = std::make_unique<state::LmdbStateTree>(*dbs);
  }
  Hash32 Apply(const std::vector<StateOp>& ops) {
    Hash32 root;
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      IMEISYNC_ASSIGN_OR_RETURN(root, tree->Update(txn, ops));
      return Status::Ok();
    });
    BOOST_TEST_REQUIRE(s.ok(), s.ToString());
    return root;
  }
  Hash32 Root() {
    auto txn = *env->BeginRead();
    return *tree->Root(txn);
  }
  uint64_t Version() {
    auto txn = *env->BeginRead();
    return *tree->Version(txn);
  }
  // Prunes every version before the latest, in transactions of 1,000.
  void PruneAll() { PruneBefore(Version(), 1000); }
  // Prunes every version before `keep`, in transactions of about `limit`
  // records.
  void PruneBefore(uint64_t keep, uint64_t limit) {
    for (;;) {
      uint64_t n = 0;
      BOOST_REQUIRE(env->Update([&](store::WriteTxn& txn) -> Status {
                         IMEISYNC_ASSIGN_OR_RETURN(
                             n, tree->Prune(txn, keep, limit));
                         return Status::Ok();
                       })
                        .ok());
      if (n == 0) break;
    }
  }
  // Stored node records.
  size_t CountNodes() {
    auto txn = *env->BeginRead();
    auto cursor = *txn.NewCursor(*env->Database("state_nodes"));
    size_t n = 0;
    for (cursor.SeekToFirst(); cursor.Valid(); cursor.Next()) ++n;
    return n;
  }
  // Meta records whose key starts with `tag` ('r' roots, 's' stale lists).
  size_t CountMeta(uint8_t tag) {
    auto txn = *env->BeginRead();
    auto cursor = *txn.NewCursor(*env->Database("state_meta"));
    size_t n = 0;
    for (cursor.Seek(Bytes{tag}); cursor.Valid() && cursor.key()[0] == tag;
         cursor.Next())
      ++n;
    return n;
  }
  std::unique_ptr<store::Env> env;
  std::unique_ptr<state::LmdbStateTree> tree;
};

Hash32 RandomHash(std::mt19937_64& rng) {
  Hash32 h;
  for (auto& b : h) b = static_cast<uint8_t>(rng());
  return h;
}

// Keys that share long prefixes as well as random ones, so collapsed chains
// many nibbles deep are exercised.
Hash32 RandomKey(std::mt19937_64& rng) {
  Hash32 k = RandomHash(rng);
  if (rng() % 3 == 0) {
    for (int i = 0; i < 20; ++i) k[i] = 0x5a;
    k[20] = static_cast<uint8_t>(rng() % 4);
  }
  return k;
}

std::vector<StatePair> Sorted(const Set& s) { return {s.begin(), s.end()}; }

std::vector<StateOp> Puts(const Set& s) {
  std::vector<StateOp> ops;
  for (auto& [k, v] : s) ops.push_back({k, v});
  return ops;
}

BOOST_AUTO_TEST_SUITE(state_tree)

BOOST_AUTO_TEST_CASE(empty_tree_root_is_the_documented_constant) {
  TempDir dir;
  TreeEnv t(dir.path());
  BOOST_TEST(t.Root() == kEmptyStateHash);
  BOOST_TEST(HexEncode(ComputeStateRoot({})) == std::string(64, '0'));
}

BOOST_AUTO_TEST_CASE(single_leaf_root_is_its_leaf_hash) {
  TempDir dir;
  TreeEnv t(dir.path());
  Hash32 k{}, v{};
  k[0] = 0x80;
  v[31] = 7;
  BOOST_TEST(t.Apply({{k, v}}) == StateLeafHash(k, v));
  // Two leaves splitting on bit 0 hash as one binary node.
  Hash32 k2{};
  BOOST_TEST(t.Apply({{k2, v}}) ==
             StateNodeHash(StateLeafHash(k2, v), StateLeafHash(k, v)));
}

BOOST_AUTO_TEST_CASE(root_depends_only_on_the_set_not_the_order) {
  std::mt19937_64 rng(
      testing::TestSeed("root_depends_only_on_the_set_not_the_order"));
  Set set;
  while (set.size() < 2000) set[RandomKey(rng)] = RandomHash(rng);
  const Hash32 want = ComputeStateRoot(Sorted(set));
  for (int order = 0; order < 3; ++order) {
    TempDir dir;
    TreeEnv t(dir.path());
    std::vector<StateOp> ops = Puts(set);
    std::shuffle(ops.begin(), ops.end(), rng);
    // Interleave extra keys that are put and later deleted.
    std::vector<Hash32> extras;
    size_t at = 0;
    while (at < ops.size()) {
      size_t batch = 1 + rng() % 300;
      std::vector<StateOp> chunk(ops.begin() + static_cast<ptrdiff_t>(at),
                                 ops.begin() + static_cast<ptrdiff_t>(std::min(
                                                   ops.size(), at + batch)));
      for (int e = 0; e < 20; ++e) {
        extras.push_back(RandomKey(rng));
        chunk.push_back({extras.back(), RandomHash(rng)});
      }
      if (!extras.empty() && rng() % 2) {
        for (int e = 0; e < 15 && !extras.empty(); ++e) {
          chunk.push_back({extras.back(), std::nullopt});
          extras.pop_back();
        }
      }
      t.Apply(chunk);
      at += batch;
    }
    std::vector<StateOp> cleanup;
    for (auto& k : extras) cleanup.push_back({k, std::nullopt});
    BOOST_TEST_CONTEXT("order " << order) {
      BOOST_TEST(t.Apply(cleanup) == want);
    }
  }
}

BOOST_AUTO_TEST_CASE(
    incremental_tree_equals_a_rebuilt_one_after_10000_operations) {
  std::mt19937_64 rng(
      testing::TestSeed("incremental_tree_equals_a_rebuilt_one"));
  TempDir dir;
  TreeEnv t(dir.path());
  Set model;
  std::vector<Hash32> keys;
  int ops_done = 0;
  while (ops_done < 10000) {
    std::vector<StateOp> batch;
    size_t n = 1 + rng() % 500;
    for (size_t i = 0; i < n; ++i, ++ops_done) {
      int what = static_cast<int>(rng() % 10);
      if (what < 5 || keys.empty()) {  // insert
        keys.push_back(RandomKey(rng));
        batch.push_back({keys.back(), RandomHash(rng)});
      } else if (what < 7) {  // overwrite
        batch.push_back({keys[rng() % keys.size()], RandomHash(rng)});
      } else if (what < 9) {  // delete a present (or already deleted) key
        batch.push_back({keys[rng() % keys.size()], std::nullopt});
      } else {  // delete a key never inserted
        batch.push_back({RandomKey(rng), std::nullopt});
      }
    }
    for (auto& op : batch) {
      if (op.value)
        model[op.key] = *op.value;
      else
        model.erase(op.key);
    }
    Hash32 root = t.Apply(batch);
    BOOST_REQUIRE(root == ComputeStateRoot(Sorted(model)));
  }
  TempDir fresh_dir;
  TreeEnv fresh(fresh_dir.path());
  BOOST_TEST(fresh.Apply(Puts(model)) == t.Root());
  // Once old versions are pruned, the stored nodes are those of a tree
  // built in one go: no node leaks.
  t.PruneAll();
  BOOST_TEST(t.CountNodes() == fresh.CountNodes());
  BOOST_TEST(t.CountMeta('s') == 0u);
  BOOST_TEST(t.CountMeta('r') == 1u);
}

BOOST_AUTO_TEST_CASE(deleting_everything_leaves_an_empty_store) {
  std::mt19937_64 rng(
      testing::TestSeed("deleting_everything_leaves_an_empty_store"));
  TempDir dir;
  TreeEnv t(dir.path());
  Set set;
  while (set.size() < 500) set[RandomKey(rng)] = RandomHash(rng);
  t.Apply(Puts(set));
  std::vector<StateOp> dels;
  for (auto& [k, v] : set) dels.push_back({k, std::nullopt});
  BOOST_TEST(t.Apply(dels) == kEmptyStateHash);
  t.PruneAll();
  BOOST_TEST(t.CountNodes() == 0u);  // no orphaned node remains
  BOOST_TEST(t.CountMeta('s') == 0u);
  auto txn = *t.env->BeginRead();
  BOOST_TEST(!t.tree->Get(txn, set.begin()->first)->has_value());
}

BOOST_AUTO_TEST_CASE(proofs_verify_for_present_and_absent_keys) {
  std::mt19937_64 rng(
      testing::TestSeed("proofs_verify_for_present_and_absent_keys"));
  for (size_t n : {0u, 1u, 2u, 3u, 17u, 3000u}) {
    TempDir dir;
    TreeEnv t(dir.path());
    Set set;
    while (set.size() < n) set[RandomKey(rng)] = RandomHash(rng);
    Hash32 root = t.Apply(Puts(set));
    auto txn = *t.env->BeginRead();
    BOOST_TEST_CONTEXT("tree of " << n) {
      for (auto& [k, v] : set) {
        auto proof = t.tree->Prove(txn, k);
        BOOST_REQUIRE(proof.ok());
        auto decoded = StateProof::Decode(proof->Encode());
        BOOST_REQUIRE(decoded.ok());
        auto value = VerifyStateProof(root, k, *decoded);
        BOOST_REQUIRE_MESSAGE(value.ok(), value.status().message());
        BOOST_REQUIRE(value->has_value());
        BOOST_REQUIRE(**value == v);
      }
      for (int i = 0; i < 200; ++i) {
        Hash32 absent = RandomKey(rng);
        if (set.count(absent)) continue;
        auto proof = t.tree->Prove(txn, absent);
        BOOST_REQUIRE(proof.ok());
        auto value = VerifyStateProof(root, absent,
                                      *StateProof::Decode(proof->Encode()));
        BOOST_REQUIRE_MESSAGE(value.ok(), value.status().message());
        BOOST_REQUIRE(!value->has_value());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(tampered_proofs_are_rejected) {
  std::mt19937_64 rng(testing::TestSeed("tampered_proofs_are_rejected"));
  TempDir dir;
  TreeEnv t(dir.path());
  Set set;
  while (set.size() < 3000) set[RandomKey(rng)] = RandomHash(rng);
  Hash32 root = t.Apply(Puts(set));
  auto txn = *t.env->BeginRead();
  int checked = 0;
  for (auto it = set.begin(); it != set.end(); std::advance(it, 37)) {
    if (std::distance(it, set.end()) < 37) break;
    const Hash32& key = it->first;
    StateProof good = *t.tree->Prove(txn, key);
    BOOST_REQUIRE(!good.siblings.empty());
    // A flipped bit in a sibling.
    StateProof p = good;
    size_t i = rng() % p.siblings.size();
    p.siblings[i][rng() % 32] ^= 1;
    BOOST_REQUIRE(!VerifyStateProof(root, key, p).ok());
    // A different value for the key.
    p = good;
    p.leaf->second[0] ^= 0x80;
    BOOST_REQUIRE(!VerifyStateProof(root, key, p).ok());
    // A sibling removed, or one added.
    p = good;
    p.siblings.erase(p.siblings.begin());
    BOOST_REQUIRE(!VerifyStateProof(root, key, p).ok());
    p = good;
    p.siblings.insert(p.siblings.begin(), RandomHash(rng));
    BOOST_REQUIRE(!VerifyStateProof(root, key, p).ok());
    // An inclusion proof claimed as absence: drop the leaf.
    p = good;
    p.leaf.reset();
    BOOST_REQUIRE(!VerifyStateProof(root, key, p).ok());
    // The proof of one key presented for another.
    Hash32 other = std::next(it)->first;
    auto claimed = VerifyStateProof(root, other, good);
    BOOST_REQUIRE(!claimed.ok() || !claimed->has_value());
    ++checked;
  }
  BOOST_TEST(checked > 50);
}

BOOST_AUTO_TEST_CASE(malformed_proof_bytes_are_rejected_with_reasons) {
  StateProof p;
  p.siblings = {Hash32{}, Hash32{1}};
  p.leaf = StatePair{Hash32{2}, Hash32{3}};
  Bytes enc = p.Encode();
  BOOST_TEST(StateProof::Decode(enc).ok());
  Bytes trailing = enc;
  trailing.push_back(0);
  BOOST_TEST(StateProof::Decode(trailing).status().message() ==
             "state proof has 1 trailing bytes");
  Bytes truncated(enc.begin(), enc.end() - 1);
  BOOST_TEST(StateProof::Decode(truncated).status().message().find(
                 "truncated") != std::string::npos);
  Bytes version = enc;
  version[0] = 9;
  BOOST_TEST(StateProof::Decode(version).status().message() ==
             "state proof byte 0: unknown version 9");
  Bytes deep = enc;
  deep[1] = 0x01;
  deep[2] = 0x01;  // depth 257
  BOOST_TEST(StateProof::Decode(deep).status().message() ==
             "state proof depth 257 exceeds 256");
  Bytes padding = enc;
  padding[3] |= 0x01;  // bitmap bit beyond depth 2
  BOOST_TEST(StateProof::Decode(padding).status().message().find(
                 "past depth") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(diff_finds_exactly_the_symmetric_difference) {
  std::mt19937_64 rng(
      testing::TestSeed("diff_finds_exactly_the_symmetric_difference"));
  for (int round = 0; round < 6; ++round) {
    Set base;
    size_t n = rng() % 2000;
    while (base.size() < n) base[RandomKey(rng)] = RandomHash(rng);
    Set a = base, b = base;
    size_t changes = rng() % 50;
    for (size_t i = 0; i < changes; ++i) {
      Set& side = rng() % 2 ? a : b;
      switch (rng() % 3) {
        case 0:
          side[RandomKey(rng)] = RandomHash(rng);
          break;
        case 1:
          if (!side.empty())
            side.erase(std::next(side.begin(),
                                 static_cast<ptrdiff_t>(rng() % side.size())));
          break;
        default:
          if (!side.empty())
            std::next(side.begin(), static_cast<ptrdiff_t>(rng() % side.size()))
                ->second = RandomHash(rng);
      }
    }
    std::vector<StateDifference> want;
    std::vector<Hash32> all;
    for (auto& [k, v] : a) all.push_back(k);
    for (auto& [k, v] : b) all.push_back(k);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    for (auto& k : all) {
      std::optional<Hash32> va, vb;
      if (a.count(k)) va = a[k];
      if (b.count(k)) vb = b[k];
      if (va != vb) want.push_back({k, va, vb});
    }
    TempDir da, db;
    TreeEnv ta(da.path()), tb(db.path());
    ta.Apply(Puts(a));
    tb.Apply(Puts(b));
    auto txa = *ta.env->BeginRead();
    auto txb = *tb.env->BeginRead();
    LocalStateView va(*ta.tree, txa), vb(*tb.tree, txb);
    auto got = DiffStateTrees(va, vb);
    BOOST_REQUIRE(got.ok());
    BOOST_TEST_CONTEXT("round " << round << ", " << n << " keys, "
                                << want.size() << " differences") {
      BOOST_TEST((*got == want));
    }
  }
}

BOOST_AUTO_TEST_CASE(roots_and_proofs_survive_reopen) {
  std::mt19937_64 rng(testing::TestSeed("roots_and_proofs_survive_reopen"));
  TempDir dir;
  Set set;
  while (set.size() < 1000) set[RandomKey(rng)] = RandomHash(rng);
  Hash32 root;
  std::vector<Bytes> proofs;
  {
    TreeEnv t(dir.path());
    root = t.Apply(Puts(set));
    auto txn = *t.env->BeginRead();
    for (auto& [k, v] : set) proofs.push_back(t.tree->Prove(txn, k)->Encode());
  }
  TreeEnv t(dir.path());
  BOOST_TEST(t.Root() == root);
  auto txn = *t.env->BeginRead();
  size_t i = 0;
  for (auto& [k, v] : set) {
    BOOST_REQUIRE(t.tree->Prove(txn, k)->Encode() == proofs[i++]);
    BOOST_REQUIRE(**t.tree->Get(txn, k) == v);
  }
}

BOOST_AUTO_TEST_CASE(past_versions_stay_provable_until_pruned) {
  std::mt19937_64 rng(
      testing::TestSeed("past_versions_stay_provable_until_pruned"));
  TempDir dir;
  TreeEnv t(dir.path());
  std::vector<Set> states;
  std::vector<Hash32> roots;
  Set model;
  for (int v = 1; v <= 5; ++v) {
    std::vector<StateOp> batch;
    for (int i = 0; i < 300; ++i)
      batch.push_back({RandomKey(rng), RandomHash(rng)});
    for (auto it = model.begin(); it != model.end() && batch.size() < 400;
         ++it) {
      if (rng() % 3 == 0) batch.push_back({it->first, std::nullopt});
    }
    for (auto& op : batch) {
      if (op.value)
        model[op.key] = *op.value;
      else
        model.erase(op.key);
    }
    roots.push_back(t.Apply(batch));
    states.push_back(model);
  }
  BOOST_TEST(t.Version() == 5u);
  {
    auto txn = *t.env->BeginRead();
    for (uint64_t v = 1; v <= 5; ++v) {
      BOOST_REQUIRE(*t.tree->RootAt(txn, v) == roots[v - 1]);
      BOOST_REQUIRE(roots[v - 1] == ComputeStateRoot(Sorted(states[v - 1])));
      int checked = 0;
      for (auto& [k, val] : states[v - 1]) {
        if (++checked > 50) break;
        auto proven =
            VerifyStateProof(roots[v - 1], k, *t.tree->ProveAt(txn, k, v));
        BOOST_REQUIRE(proven.ok());
        BOOST_REQUIRE(**proven == val);
      }
    }
    BOOST_TEST(t.tree->RootAt(txn, 6).status().code() == StatusCode::kNotFound);
  }
  // Keep versions 4 and 5 only.
  t.PruneBefore(4, 100);
  auto txn = *t.env->BeginRead();
  BOOST_TEST(t.tree->RootAt(txn, 3).status().code() == StatusCode::kNotFound);
  BOOST_TEST(
      t.tree->ProveAt(txn, states[2].begin()->first, 3).status().code() ==
      StatusCode::kNotFound);
  for (uint64_t v : {4u, 5u}) {
    for (auto& [k, val] : states[v - 1]) {
      auto proven =
          VerifyStateProof(roots[v - 1], k, *t.tree->ProveAt(txn, k, v));
      BOOST_REQUIRE_MESSAGE(
          proven.ok(), "version " << v << ": " << proven.status().message());
      BOOST_REQUIRE(**proven == val);
    }
  }
}

BOOST_AUTO_TEST_CASE(pruning_past_the_latest_version_keeps_the_latest) {
  std::mt19937_64 rng(
      testing::TestSeed("pruning_past_the_latest_version_keeps_the_latest"));
  TempDir dir;
  TreeEnv t(dir.path());
  Set set;
  for (int v = 0; v < 3; ++v) {
    std::vector<StateOp> batch;
    for (int i = 0; i < 100; ++i) {
      batch.push_back({RandomKey(rng), RandomHash(rng)});
      set[batch.back().key] = *batch.back().value;
    }
    t.Apply(batch);
  }
  const Hash32 root = t.Root();
  BOOST_REQUIRE(t.env
                    ->Update([&](store::WriteTxn& txn) {
                      return t.tree->Prune(txn, 1000, 1000000).status();
                    })
                    .ok());
  BOOST_TEST(t.Root() == root);
  auto txn = *t.env->BeginRead();
  for (auto& [k, v] : set) {
    auto proven = VerifyStateProof(root, k, *t.tree->Prove(txn, k));
    BOOST_REQUIRE(proven.ok());
    BOOST_REQUIRE(**proven == v);
  }
}

BOOST_AUTO_TEST_CASE(a_corrupt_node_is_data_loss) {
  TempDir dir;
  TreeEnv t(dir.path());
  Hash32 a{}, b{};
  b[0] = 0xff;
  t.Apply({{a, a}, {b, b}});
  store::Db db = *t.env->Database("state_nodes");
  Bytes node_key;
  {
    auto txn = *t.env->BeginRead();
    auto cursor = *txn.NewCursor(db);
    cursor.SeekToFirst();
    BOOST_REQUIRE(cursor.Valid());
    node_key.assign(cursor.key().begin(), cursor.key().end());
  }
  BOOST_REQUIRE(t.env
                    ->Update([&](store::WriteTxn& txn) {
                      return txn.Put(db, node_key, AsBytes("garbage"));
                    })
                    .ok());
  auto txn = *t.env->BeginRead();
  auto got = t.tree->Get(txn, a);
  BOOST_TEST(got.status().code() == StatusCode::kDataLoss);
  BOOST_TEST(got.status().message().find("state node at prefix ''") == 0u);
  BOOST_TEST(t.tree->Prove(txn, b).status().code() == StatusCode::kDataLoss);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::merkle
