// Device proofs on a node holding n registers, in this process. Prints one
// JSON object on stdout; progress goes to stderr. Goal (issue 6 part 3):
// at n = 1e6, building and serialising a proof, and parsing and verifying
// one, each take <= 10 ms (median and p99), for a blocked device and for a
// device the node never saw.
//
// One operator node made in a temp dir with the same code as `imeisync
// federation init` / `add-member`. This process blocks (stolen) n IMEIs in
// its own log through Node::Submit, signs a checkpoint, then times
//   build:  proofs::BuildDeviceProof + EncodeDeviceProof (one Ed25519
//           signature for the state head, and the node's own check of the
//           proof, which costs a verification);
//   verify: DecodeDeviceProof + VerifyDeviceProof (Ed25519 verifications
//           of the state head and the checkpoint, hashing of every path);
// over --proofs distinct devices of each kind.
//
// Usage: prove_bench [--n 1000000] [--proofs 200] [--seed S]. A quick run:
// --n 100000. scripts/bench passes --benchmark_format=json; it is accepted
// and ignored.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/sync/imei_sequence.h"
#include "node/proofs/device_proof.h"
#include "node/proofs/proof_verifier.h"
#include "node/proofs/prover.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "node/imei.h"

namespace imeisync::bench {
namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr size_t kFillBatch = 100'000;
constexpr double kGoalMs = 10;

struct Options {
  uint64_t n = 1'000'000;
  size_t proofs = 200;
  uint64_t seed = 1;
};

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what);
}

template <class T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Fail(what + ": " + r.status().ToString());
  return *std::move(r);
}

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

json Summary(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  return {{"count", ms.size()},
          {"median_ms", at(0.5)},
          {"p99_ms", at(0.99)},
          {"max_ms", ms.back()}};
}

// Times building and verifying a proof for each IMEI of `imeis`.
json Measure(node::core::Node& node, const node::federation::Bundle& bundle,
             const std::vector<std::string>& imeis,
             node::verdict::Verdict want) {
  std::vector<double> build_ms, verify_ms;
  size_t bytes = 0, keys = 0;
  for (const std::string& imei : imeis) {
    const Hash32 tag =
        Must(node.tags().TagOf(Must(node::Imei::Parse(imei), "IMEI").imei14()),
             "tag");
    const auto t0 = Clock::now();
    node::proofs::DeviceProof proof =
        Must(node::proofs::BuildDeviceProof(node, tag), "build");
    const std::string text = node::proofs::EncodeDeviceProof(proof);
    const auto t1 = Clock::now();
    node::proofs::DeviceProof parsed =
        Must(node::proofs::DecodeDeviceProof(text), "decode");
    node::proofs::ProofFindings found =
        Must(node::proofs::VerifyDeviceProof(bundle, parsed), "verify");
    const auto t2 = Clock::now();
    if (found.verdict != want) Fail("a proof gave the wrong verdict");
    build_ms.push_back(Ms(t1 - t0));
    verify_ms.push_back(Ms(t2 - t1));
    bytes = std::max(bytes, text.size());
    keys = found.keys;
  }
  json b = Summary(build_ms), v = Summary(verify_ms);
  return {{"proof_bytes_max", bytes},
          {"keys", keys},
          {"build_and_serialize", b},
          {"parse_and_verify", v},
          {"met", b["p99_ms"].get<double>() <= kGoalMs &&
                      v["p99_ms"].get<double>() <= kGoalMs}};
}

json Run(const Options& o, const std::string& root) {
  namespace fs = std::filesystem;
  namespace fed = node::federation;
  const std::string fed_dir = root + "/fed";
  if (Status s = fed::CreateFederation({fed_dir, "bench"}); !s.ok()) {
    Fail("federation init: " + s.ToString());
  }
  fed::AddMemberOptions add;
  add.fed_dir = fed_dir;
  add.id = "op1";
  add.role = fed::Role::kOperator;
  add.out_dir = root + "/op1";
  Must(fed::AddMember(add), "add-member");
  const fed::Bundle bundle = Must(fed::LoadFederationBundle(fed_dir), "bundle");
  auto node =
      Must(node::core::Node::Open(Must(
               fed::LoadNodeConfig(add.out_dir + "/node.toml"), "node.toml")),
           "open node");

  std::cerr << "prove_bench: blocking " << o.n << " IMEIs\n";
  ImeiSequence seq(o.seed);
  std::vector<std::string> blocked;
  const uint64_t stride = std::max<uint64_t>(1, o.n / o.proofs);
  const auto fill_start = Clock::now();
  for (uint64_t done = 0; done < o.n;) {
    const size_t count = std::min<uint64_t>(kFillBatch, o.n - done);
    std::vector<std::string> imeis = seq.Take(count);
    for (size_t i = 0; i < count; ++i) {
      if ((done + i) % stride == 0 && blocked.size() < o.proofs) {
        blocked.push_back(imeis[i]);
      }
    }
    Must(node->own_log().Submit(node::Action::kBlock, node::Reason::kStolen,
                                imeis, 0),
         "submit");
    done += count;
  }
  Must(node->own_log().SignCheckpoint(), "sign");
  const double fill_s =
      std::chrono::duration<double>(Clock::now() - fill_start).count();
  const std::vector<std::string> absent = seq.Take(o.proofs);
  std::cerr << "prove_bench: proving\n";
  // One untimed pass over each set warms the LMDB pages the proofs read.
  Measure(*node, bundle, blocked, node::verdict::Verdict::kBlacklisted);
  Measure(*node, bundle, absent, node::verdict::Verdict::kWhitelisted);
  return {{"bench", "prove"},
          {"registers", o.n},
          {"fill_seconds", fill_s},
          {"goal_ms", kGoalMs},
          {"blocked", Measure(*node, bundle, blocked,
                              node::verdict::Verdict::kBlacklisted)},
          {"absent", Measure(*node, bundle, absent,
                             node::verdict::Verdict::kWhitelisted)}};
}

}  // namespace
}  // namespace imeisync::bench

int main(int argc, char** argv) {
  namespace bench = imeisync::bench;
  CLI::App app{"prove_bench: device proofs on a node with n registers"};
  bench::Options o;
  std::string ignored_format;
  app.add_option("--n", o.n, "registers (blocked devices) in the node");
  app.add_option("--proofs", o.proofs, "devices of each kind to prove")
      ->check(CLI::Range(1, 100000));
  app.add_option("--seed", o.seed, "where the IMEI sequence starts");
  app.add_option("--benchmark_format", ignored_format,
                 "accepted for scripts/bench; output is always JSON");
  CLI11_PARSE(app, argc, argv);
  char tmpl[] = "/tmp/prove-bench-XXXXXX";
  const char* root = ::mkdtemp(tmpl);
  if (root == nullptr) {
    std::cerr << "prove_bench: cannot make a temp dir\n";
    return 1;
  }
  int rc = 0;
  try {
    std::cout << bench::Run(o, root).dump(2) << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "prove_bench: " << e.what() << "\n";
    rc = 1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  return rc;
}
