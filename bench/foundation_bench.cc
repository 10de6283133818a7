// Costs of the foundation: IMEI parsing, device tags, hashing, signatures,
// entry encoding and LMDB batch writes, one core each.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/device_tag.h"
#include "crypto/ed25519.h"
#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "node/entry.h"
#include "node/imei.h"
#include "node/store/env.h"

namespace imeisync {
namespace {

std::vector<std::string> SampleImeis(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    char core[15];
    std::snprintf(core, sizeof core, "%08zu%06zu", 35209900 + i % 1000,
                  i % 1000000);
    out.push_back(std::string(core) + node::LuhnCheckDigit(core));
  }
  return out;
}

void BM_ImeiParse15(benchmark::State& state) {
  auto imeis = SampleImeis(1024);
  size_t i = 0;
  for (auto _ : state) {
    auto r = node::Imei::Parse(imeis[i++ & 1023]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ImeiParse15);

void BM_SaltedTag_Tagger(benchmark::State& state) {
  crypto::Salt salt(crypto::Sha256(AsBytes("bench salt")));
  crypto::Tagger tagger(salt);
  auto imeis = SampleImeis(1024);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        tagger.Tag(std::string_view(imeis[i++ & 1023]).substr(0, 14)));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SaltedTag_Tagger);

void BM_SaltedTag_OneShot(benchmark::State& state) {
  crypto::Salt salt(crypto::Sha256(AsBytes("bench salt")));
  auto imeis = SampleImeis(1024);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto::SaltedTag(
        salt, std::string_view(imeis[i++ & 1023]).substr(0, 14)));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SaltedTag_OneShot);

void BM_Sha256_64B(benchmark::State& state) {
  uint8_t data[64] = {};
  for (auto _ : state) {
    auto h = crypto::Sha256(data);
    data[0] = h[0];
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Sha256_64B);

void BM_Ed25519Sign(benchmark::State& state) {
  auto key = *crypto::Ed25519PrivateKey::Generate();
  std::string msg =
      "imeisync/kz/"
      "ministry\n1000000\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(AsBytes(msg)));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  auto key = *crypto::Ed25519PrivateKey::Generate();
  std::string msg =
      "imeisync/kz/"
      "ministry\n1000000\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  auto sig = key.Sign(AsBytes(msg));
  for (auto _ : state) {
    Status s = key.public_key().Verify(AsBytes(msg), sig);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Ed25519Verify);

void BM_EntryEncodeDecode(benchmark::State& state) {
  node::Entry e{node::Action::kBlock, node::Reason::kStolen,
                crypto::Sha256(AsBytes("t")), 1764000000000};
  for (auto _ : state) {
    auto d = node::DecodeEntry(node::EncodeEntry(e));
    benchmark::DoNotOptimize(d);
    ++e.issued_at_ms;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EntryEncodeDecode);

// One durable (fsynced) write transaction of state.range(0) 43-byte entries
// keyed by 32-byte tags: the shape of applying a replicated batch.
void BM_LmdbCommitBatch(benchmark::State& state) {
  std::string dir =
      std::filesystem::temp_directory_path() / "imeisync-bench-lmdb";
  std::filesystem::remove_all(dir);
  {
    node::store::EnvOptions o;
    o.path = dir;
    o.databases = {"entries"};
    auto env = std::move(*node::store::Env::Open(o));
    auto db = *env->Database("entries");
    const auto batch = static_cast<uint64_t>(state.range(0));
    uint64_t n = 0;
    for (auto _ : state) {
      Status s = env->Update([&](node::store::WriteTxn& txn) -> Status {
        for (uint64_t i = 0; i < batch; ++i) {
          uint64_t k = n + i;
          auto tag = crypto::Sha256(
              ByteView(reinterpret_cast<uint8_t*>(&k), sizeof k));
          node::Entry e{node::Action::kBlock, node::Reason::kStolen, tag, k};
          IMEISYNC_RETURN_IF_ERROR(txn.Put(db, tag, node::EncodeEntry(e)));
        }
        return Status::Ok();
      });
      if (!s.ok()) state.SkipWithError(s.ToString().c_str());
      n += batch;
    }
    state.SetItemsProcessed(static_cast<int64_t>(n));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LmdbCommitBatch)
    ->Arg(1)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace imeisync

BENCHMARK_MAIN();
