// The LMDB-backed log gives the same roots and proofs as the in-memory one,
// across batches and reopen.
#include "node/replication/log_tree.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "node/merkle/log_hash.h"
#include "node/merkle/log_nodes.h"
#include "node/merkle/log_proof.h"
#include "node/merkle/memory_log.h"
#include "node/store/env.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::replication {
namespace {

using merkle::EmptyLogRoot;
using merkle::LogInclusionProof;
using merkle::LogLeafHash;
using merkle::LogNodeHash;
using merkle::MemoryLog;
using merkle::VerifyConsistency;
using merkle::VerifyInclusion;

using testing::TempDir;

std::unique_ptr<store::Env> OpenEnv(const std::string& path) {
  store::EnvOptions o;
  o.path = path;
  o.databases = {"log"};
  o.initial_map_size = size_t{64} << 20;
  auto env = store::Env::Open(o);
  BOOST_TEST_REQUIRE(env.ok(), env.status().ToString());
  return std::move(*env);
}

Hash32 Leaf(uint64_t i) {
  return LogLeafHash(ByteView(reinterpret_cast<const uint8_t*>(&i), sizeof i));
}

BOOST_AUTO_TEST_SUITE(log_tree_store)

BOOST_AUTO_TEST_CASE(batched_appends_match_the_memory_log_and_survive_reopen) {
  std::mt19937_64 rng(
      testing::TestSeed("batched_appends_match_the_memory_log"));
  TempDir dir;
  MemoryLog mem;
  std::vector<std::pair<uint64_t, Hash32>> roots;
  {
    auto env = OpenEnv(dir.path());
    LogTree log(*env->Database("log"), "imeisync/kz/ministry");
    LogTree other(*env->Database("log"), "imeisync/kz/beeline");
    uint64_t n = 0;
    while (n < 3000) {
      uint64_t batch = 1 + rng() % 300;
      std::vector<Hash32> leaves;
      for (uint64_t i = 0; i < batch; ++i) {
        leaves.push_back(Leaf(n + i));
        mem.Append(leaves.back());
      }
      Hash32 root;
      BOOST_REQUIRE(
          env->Update([&](store::WriteTxn& txn) -> Status {
               IMEISYNC_ASSIGN_OR_RETURN(root, log.Append(txn, leaves));
               // Another origin interleaved in the same database stays
               // separate.
               Hash32 one = Leaf(~n);
               return other.Append(txn, std::span<const Hash32>(&one, 1))
                   .status();
             })
              .ok());
      n += batch;
      BOOST_REQUIRE(root == mem.Root());
      roots.emplace_back(n, root);
    }
  }
  auto env = OpenEnv(dir.path());
  LogTree log(*env->Database("log"), "imeisync/kz/ministry");
  auto txn = *env->BeginRead();
  BOOST_TEST(*log.Size(txn) == mem.size());
  BOOST_TEST(*log.RootAt(txn, mem.size()) == mem.Root());
  for (auto [size, root] : roots) BOOST_REQUIRE(*log.RootAt(txn, size) == root);
  for (int t = 0; t < 200; ++t) {
    uint64_t size = 1 + rng() % mem.size();
    uint64_t index = rng() % size;
    auto proof = log.InclusionProof(txn, index, size);
    BOOST_REQUIRE(proof.ok());
    BOOST_REQUIRE(*proof == *LogInclusionProof(mem, index, size));
    BOOST_REQUIRE(VerifyInclusion(index, size, *log.LeafHash(txn, index),
                                  *proof, *log.RootAt(txn, size))
                      .ok());
    uint64_t size1 = 1 + rng() % size;
    auto cproof = log.ConsistencyProof(txn, size1, size);
    BOOST_REQUIRE(cproof.ok());
    BOOST_REQUIRE(VerifyConsistency(size1, size, *log.RootAt(txn, size1),
                                    *log.RootAt(txn, size), *cproof)
                      .ok());
  }
}

BOOST_AUTO_TEST_CASE(requests_beyond_the_log_are_invalid_arguments) {
  TempDir dir;
  auto env = OpenEnv(dir.path());
  LogTree log(*env->Database("log"), "o");
  std::vector<Hash32> leaves{Leaf(1), Leaf(2), Leaf(3)};
  BOOST_REQUIRE(env->Update([&](store::WriteTxn& txn) {
                     return log.Append(txn, leaves).status();
                   })
                    .ok());
  auto txn = *env->BeginRead();
  BOOST_TEST(log.RootAt(txn, 4).status().message() ==
             "log o has 3 leaves; size 4 is beyond it");
  BOOST_TEST(log.InclusionProof(txn, 3, 3).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(log.ConsistencyProof(txn, 2, 5).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(*log.RootAt(txn, 0) == EmptyLogRoot());
  BOOST_TEST(log.LeafHash(txn, 3).status().code() ==
             StatusCode::kInvalidArgument);
  // An index at the top of the range must not wrap around the size check.
  BOOST_TEST(log.LeafHash(txn, UINT64_MAX).status().code() ==
             StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(an_aborted_append_leaves_the_log_unchanged) {
  TempDir dir;
  auto env = OpenEnv(dir.path());
  LogTree log(*env->Database("log"), "o");
  std::vector<Hash32> first{Leaf(1), Leaf(2)};
  BOOST_REQUIRE(env->Update([&](store::WriteTxn& txn) {
                     return log.Append(txn, first).status();
                   })
                    .ok());
  std::vector<Hash32> more{Leaf(3), Leaf(4), Leaf(5)};
  Status s = env->Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_RETURN_IF_ERROR(log.Append(txn, more).status());
    return DataLoss("root differs from the signed checkpoint");
  });
  BOOST_TEST(s.code() == StatusCode::kDataLoss);
  auto txn = *env->BeginRead();
  BOOST_TEST(*log.Size(txn) == 2u);
  BOOST_TEST(*log.RootAt(txn, 2) == LogNodeHash(Leaf(1), Leaf(2)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::replication
