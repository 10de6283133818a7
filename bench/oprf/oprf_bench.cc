// Costs of RFC 9497 OPRF / VOPRF with P256-SHA256 (crypto/oprf.h), one core
// each: the server's BlindEvaluate per element (mode 0 single, mode 1 in
// batches of 1000 with one proof), the client's Blind + Finalize per IMEI,
// the client's VerifyProof per element of a batch of 1000, and the pieces
// (hash-to-curve, one multi-point sum) that explain them.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "crypto/hash_to_curve.h"
#include "crypto/oprf.h"

namespace imeisync {
namespace {

using crypto::OprfMode;

// 14-digit ASCII IMEI cores, as the device tags take them.
std::vector<std::string> SampleImeis(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    char core[15];
    std::snprintf(core, sizeof core, "%08zu%06zu", 35209900 + i % 1000,
                  i % 1000000);
    out.emplace_back(core);
  }
  return out;
}

crypto::OprfPrivateKey BenchKey() {
  return *crypto::OprfPrivateKey::FromHex(
      "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
}

std::vector<crypto::P256Element> BlindedElements(OprfMode mode, size_t n) {
  crypto::OprfClient client(mode);
  std::vector<crypto::P256Element> out;
  for (const std::string& imei : SampleImeis(n)) {
    out.push_back(client.Blind(AsBytes(imei))->blinded_element);
  }
  return out;
}

std::vector<ByteView> Views(const std::vector<crypto::P256Element>& e) {
  return std::vector<ByteView>(e.begin(), e.end());
}

void BM_HashToCurve(benchmark::State& state) {
  crypto::P256 group;
  crypto::P256HashToCurve h2c(group);
  const std::string dst =
      "HashToGroup-" + crypto::OprfContextString(OprfMode::kVoprf);
  auto imeis = SampleImeis(1024);
  size_t i = 0;
  for (auto _ : state) {
    auto p = h2c.Hash(AsBytes(imeis[i++ & 1023]), dst);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_HashToCurve);

// Server, mode 0: decode, k * B, encode.
void BM_BlindEvaluate_Oprf(benchmark::State& state) {
  crypto::OprfServer server(OprfMode::kOprf, BenchKey());
  auto blinded = BlindedElements(OprfMode::kOprf, 1024);
  size_t i = 0;
  for (auto _ : state) {
    auto e = server.BlindEvaluate(blinded[i++ & 1023]);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_BlindEvaluate_Oprf);

// Server, mode 1: a batch of range(0) elements and one proof; items are
// elements.
void BM_BlindEvaluateBatch_Voprf(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  crypto::OprfServer server(OprfMode::kVoprf, BenchKey());
  auto blinded = BlindedElements(OprfMode::kVoprf, n);
  const auto views = Views(blinded);
  for (auto _ : state) {
    auto e = server.BlindEvaluateBatch(views);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_BlindEvaluateBatch_Voprf)
    ->Arg(1)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

// Client, per IMEI: Blind (hash-to-curve, random blind, blind * P, encode)
// then Finalize (decode, 1 / blind, multiply, encode, SHA-256).
void BM_ClientBlindFinalize(benchmark::State& state) {
  const auto mode = static_cast<OprfMode>(state.range(0));
  crypto::OprfClient client(mode);
  crypto::OprfServer server(mode, BenchKey());
  auto imeis = SampleImeis(1024);
  std::vector<crypto::P256Element> evaluated;
  for (const auto& b : BlindedElements(mode, 1024)) {
    evaluated.push_back(*server.BlindEvaluate(b));
  }
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ & 1023;
    auto b = client.Blind(AsBytes(imeis[k]));
    // The evaluated element of another blind: the cost is the same.
    auto out = client.Finalize(AsBytes(imeis[k]), b->blind, evaluated[k]);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ClientBlindFinalize)->Arg(0)->Arg(1);

// Client, mode 1: VerifyProof of a batch of 1000; items are elements.
void BM_VerifyProof(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  crypto::OprfServer server(OprfMode::kVoprf, BenchKey());
  crypto::OprfClient client(OprfMode::kVoprf);
  auto blinded = BlindedElements(OprfMode::kVoprf, n);
  auto eval = *server.BlindEvaluateBatch(Views(blinded));
  const auto b = Views(blinded);
  const auto d = Views(eval.evaluated_elements);
  for (auto _ : state) {
    Status s = client.VerifyProof(server.public_key(), b, d, eval.proof);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_VerifyProof)->Arg(1000)->Unit(benchmark::kMillisecond);

// The ministry tool's direct evaluation: hash-to-curve, k * P, SHA-256.
void BM_ServerEvaluate(benchmark::State& state) {
  crypto::OprfServer server(OprfMode::kVoprf, BenchKey());
  auto imeis = SampleImeis(1024);
  size_t i = 0;
  for (auto _ : state) {
    auto out = server.Evaluate(AsBytes(imeis[i++ & 1023]));
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ServerEvaluate);

// Building an OprfServer (group, BN_CTX, constants, public key): what a
// caller pays for one server per call instead of one per thread.
void BM_ServerConstruction(benchmark::State& state) {
  const crypto::OprfPrivateKey key = BenchKey();
  for (auto _ : state) {
    crypto::OprfServer server(OprfMode::kVoprf, key);
    benchmark::DoNotOptimize(server.public_key());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ServerConstruction);

// The element codec around each multiplication: decode (a square root)
// and encode (an inversion, to affine coordinates).
void BM_DecodeElement(benchmark::State& state) {
  crypto::P256 group;
  crypto::BnCtxPtr ctx(BN_CTX_new());
  auto blinded = BlindedElements(OprfMode::kOprf, 1024);
  crypto::EcPointPtr point = group.NewPoint();
  size_t i = 0;
  for (auto _ : state) {
    Status s =
        group.DeserializeElement(blinded[i++ & 1023], point.get(), ctx.get());
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeElement);

void BM_EncodeElement(benchmark::State& state) {
  crypto::P256 group;
  crypto::BnCtxPtr ctx(BN_CTX_new());
  crypto::BnPtr k = crypto::P256::NewSecretBn();
  (void)group.RandomScalar(k.get());
  crypto::EcPointPtr point = group.NewPoint();
  // A product in Jacobian coordinates, as EC_POINT_mul leaves it.
  EC_POINT_mul(group.group(), point.get(), nullptr,
               EC_GROUP_get0_generator(group.group()), k.get(), ctx.get());
  for (auto _ : state) {
    auto bytes = group.SerializeElement(point.get(), ctx.get());
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EncodeElement);

// P256::SumOfProducts over 1000 points against 1000 EC_POINT_mul: why the
// proof's composites cost little per element.
void BM_SumOfProducts(benchmark::State& state) {
  const bool separate = state.range(0) == 1;
  crypto::P256 group;
  crypto::BnCtxPtr ctx(BN_CTX_new());
  std::vector<crypto::EcPointPtr> points;
  std::vector<crypto::BnPtr> scalars;
  std::vector<const EC_POINT*> p;
  std::vector<const BIGNUM*> s;
  for (int i = 0; i < 1000; ++i) {
    crypto::BnPtr k = crypto::P256::NewSecretBn();
    (void)group.RandomScalar(k.get());
    points.push_back(group.NewPoint());
    EC_POINT_mul(group.group(), points.back().get(), k.get(), nullptr, nullptr,
                 ctx.get());
    scalars.push_back(crypto::P256::NewSecretBn());
    (void)group.RandomScalar(scalars.back().get());
    p.push_back(points.back().get());
    s.push_back(scalars.back().get());
  }
  crypto::EcPointPtr sum = group.NewPoint();
  crypto::EcPointPtr term = group.NewPoint();
  for (auto _ : state) {
    if (separate) {
      EC_POINT_set_to_infinity(group.group(), sum.get());
      for (size_t i = 0; i < p.size(); ++i) {
        EC_POINT_mul(group.group(), term.get(), nullptr, p[i], s[i], ctx.get());
        EC_POINT_add(group.group(), sum.get(), sum.get(), term.get(),
                     ctx.get());
      }
    } else {
      group.SumOfProducts(sum.get(), p, s, ctx.get());
    }
    benchmark::DoNotOptimize(sum.get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 1000));
}
BENCHMARK(BM_SumOfProducts)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("separate")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imeisync

BENCHMARK_MAIN();
