// Merkle structures at national scale, one core (docs/design.md "State
// tree"). Goals:
//   log append >= 1M leaves/s; state update >= 200k keys/s in batches of
//   10,000 into a tree of 1M keys; state inclusion proof at 1M keys <= 1 KB;
//   proof verify >= 100k/s.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>

#include "node/entry.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/log_proof.h"
#include "node/merkle/state_proof.h"
#include "node/merkle/state_tree.h"
#include "node/replication/log_tree.h"
#include "node/state/lmdb_state_store.h"
#include "node/store/env.h"

namespace imeisync::node::merkle {
namespace {

constexpr size_t kBatch = 10000;

// Keys in the state tree: 1M, or IMEISYNC_BENCH_STATE_KEYS (a multiple of
// 100,000) for a quick check that the benchmarks still run.
size_t StateKeys() {
  const char* keys = std::getenv("IMEISYNC_BENCH_STATE_KEYS");
  return keys ? std::strtoull(keys, nullptr, 10) : 1000000;
}

Hash32 RandomHash(std::mt19937_64& rng) {
  Hash32 h;
  for (size_t i = 0; i < 32; i += 8) {
    uint64_t x = rng();
    std::memcpy(h.data() + i, &x, 8);
  }
  return h;
}

std::unique_ptr<store::Env> OpenFresh(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  store::EnvOptions o;
  o.path = dir;
  o.databases = {"log", "state_nodes", "state_meta"};
  o.initial_map_size = size_t{4} << 30;
  auto env = store::Env::Open(o);
  if (!env.ok()) {
    std::fprintf(stderr, "bench: %s\n", env.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(*env);
}

// Entries as an origin appends them: encode, leaf-hash, append, commit.
void BM_LogAppendEntries(benchmark::State& state) {
  auto env = OpenFresh("imeisync-bench-log");
  replication::LogTree log(*env->Database("log"), "imeisync/kz/ministry");
  std::mt19937_64 rng(1);
  std::vector<Entry> entries(kBatch);
  for (auto& e : entries)
    e = {Action::kBlock, Reason::kStolen, RandomHash(rng), 1764000000000};
  std::vector<Hash32> leaves(kBatch);
  for (auto _ : state) {
    Status s = env->Update([&](store::WriteTxn& txn) -> Status {
      for (size_t i = 0; i < kBatch; ++i)
        leaves[i] = LogLeafHash(EncodeEntry(entries[i]));
      return log.Append(txn, leaves).status();
    });
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["batch"] = kBatch;
}
BENCHMARK(BM_LogAppendEntries)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();

// A log and a state tree of 1M keys, built once for the read benchmarks
// and the update benchmark.
struct Fixture {
  Fixture() : env(OpenFresh("imeisync-bench-state")), rng(7) {
    tree = std::make_unique<state::LmdbStateTree>(
        *state::StateTreeDbs::Open(*env));
    log = std::make_unique<replication::LogTree>(*env->Database("log"), "o");
    for (size_t done = 0; done < StateKeys(); done += 100000) {
      std::vector<StateOp> ops;
      std::vector<Hash32> leaves;
      for (size_t i = 0; i < 100000; ++i) {
        keys.push_back(RandomHash(rng));
        ops.push_back({keys.back(), RandomHash(rng)});
        leaves.push_back(LogLeafHash(keys.back()));
      }
      Status s = env->Update([&](store::WriteTxn& txn) -> Status {
        IMEISYNC_RETURN_IF_ERROR(log->Append(txn, leaves).status());
        return tree->Update(txn, ops).status();
      });
      if (!s.ok()) std::exit(3);
    }
    // Start from a pruned tree, as a long-running node's would be.
    for (uint64_t n = 1; n != 0;) {
      Status s = env->Update([&](store::WriteTxn& txn) -> Status {
        IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, tree->Version(txn));
        IMEISYNC_ASSIGN_OR_RETURN(n, tree->Prune(txn, version, 100000));
        return Status::Ok();
      });
      if (!s.ok()) std::exit(3);
    }
  }
  std::unique_ptr<store::Env> env;
  std::mt19937_64 rng;
  std::unique_ptr<state::LmdbStateTree> tree;
  std::unique_ptr<replication::LogTree> log;
  std::vector<Hash32> keys;
};

uint64_t g_updated_keys = 0;

Fixture& Shared() {
  static Fixture* f = new Fixture;
  return *f;
}

// Batches of 10,000 changes (new keys and overwrites) into >= 1M keys.
void BM_StateUpdate1M(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<StateOp> ops;
    for (size_t i = 0; i < kBatch; ++i) {
      const Hash32& key =
          i % 2 ? f.keys[f.rng() % f.keys.size()] : RandomHash(f.rng);
      ops.push_back({key, RandomHash(f.rng)});
    }
    state.ResumeTiming();
    Status s = f.env->Update([&](store::WriteTxn& txn) {
      return f.tree->Update(txn, ops).status();
    });
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    g_updated_keys += kBatch;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["batch"] = kBatch;
}

// Deletes what the updates above left stale, in transactions of 10,000
// records, as the node's background pruner does. One iteration: all of it.
void BM_StatePruneAfterUpdates(benchmark::State& state) {
  Fixture& f = Shared();
  uint64_t deleted = 0;
  for (auto _ : state) {
    uint64_t keep = 0;
    {
      auto txn = *f.env->BeginRead();
      keep = *f.tree->Version(txn);
    }
    for (;;) {
      uint64_t n = 0;
      Status s = f.env->Update([&](store::WriteTxn& txn) -> Status {
        IMEISYNC_ASSIGN_OR_RETURN(n, f.tree->Prune(txn, keep, 10000));
        return Status::Ok();
      });
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
      if (!s.ok() || n == 0) break;
      deleted += n;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(deleted));
  state.counters["records_deleted"] = static_cast<double>(deleted);
  state.counters["update_keys_pruned"] = static_cast<double>(g_updated_keys);
}

BENCHMARK(BM_StateUpdate1M)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0)
    ->UseRealTime();
BENCHMARK(BM_StatePruneAfterUpdates)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

void BM_StateProve1M(benchmark::State& state) {
  Fixture& f = Shared();
  auto txn = *f.env->BeginRead();
  size_t bytes = 0, max_bytes = 0, n = 0;
  for (auto _ : state) {
    auto proof = f.tree->Prove(txn, f.keys[f.rng() % f.keys.size()]);
    size_t size = proof->Encode().size();
    bytes += size;
    max_bytes = std::max(max_bytes, size);
    ++n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["proof_bytes_mean"] =
      static_cast<double>(bytes) / static_cast<double>(n);
  state.counters["proof_bytes_max"] = static_cast<double>(max_bytes);
}
BENCHMARK(BM_StateProve1M);

void BM_StateProofVerify1M(benchmark::State& state) {
  Fixture& f = Shared();
  auto txn = *f.env->BeginRead();
  Hash32 root = *f.tree->Root(txn);
  std::vector<std::pair<Hash32, StateProof>> proofs;
  for (int i = 0; i < 1000; ++i) {
    const Hash32& k = f.keys[f.rng() % f.keys.size()];
    proofs.emplace_back(k, *f.tree->Prove(txn, k));
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& [k, p] = proofs[i++ % proofs.size()];
    auto v = VerifyStateProof(root, k, p);
    if (!v.ok()) state.SkipWithError("proof did not verify");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_StateProofVerify1M);

void BM_LogInclusionVerify1M(benchmark::State& state) {
  Fixture& f = Shared();
  auto txn = *f.env->BeginRead();
  uint64_t size = *f.log->Size(txn);
  Hash32 root = *f.log->RootAt(txn, size);
  std::vector<std::tuple<uint64_t, Hash32, std::vector<Hash32>>> proofs;
  for (int i = 0; i < 1000; ++i) {
    uint64_t index = f.rng() % size;
    proofs.emplace_back(index, *f.log->LeafHash(txn, index),
                        *f.log->InclusionProof(txn, index, size));
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& [index, leaf, path] = proofs[i++ % proofs.size()];
    if (!VerifyInclusion(index, size, leaf, path, root).ok())
      state.SkipWithError("bad proof");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_LogInclusionVerify1M);

void BM_LogInclusionProve1M(benchmark::State& state) {
  Fixture& f = Shared();
  auto txn = *f.env->BeginRead();
  uint64_t size = *f.log->Size(txn);
  for (auto _ : state) {
    auto proof = f.log->InclusionProof(txn, f.rng() % size, size);
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_LogInclusionProve1M);

}  // namespace
}  // namespace imeisync::node::merkle

BENCHMARK_MAIN();
