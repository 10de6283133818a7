// audit_bench: `imeisync audit` (without --deep) against a node holding
// 10 origins x 1e6 entries, as an auditor runs it: a first run with an
// empty state directory, a second with nothing new, and a third after every
// origin grew (one consistency proof per origin). Goal (issue 6): <= 2 s
// per run after the first. Prints one JSON object.
//
// The logs are built in process: each origin's entries are signed with that
// member's real key and applied to the ministry node as replication would
// (verified, folded, witnessed), then the ministry's imeisyncd serves them.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/sync/bench_error.h"
#include "bench/sync/federation_dirs.h"
#include "bench/sync/member.h"
#include "bench/sync/process.h"
#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "crypto/sha256.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/origin_name.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"

namespace imeisync::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::vector<node::Entry> Entries(uint64_t origin, uint64_t first,
                                 uint64_t count) {
  std::vector<node::Entry> out;
  out.reserve(count);
  for (uint64_t i = first; i < first + count; ++i) {
    const uint64_t x[2] = {origin, i};
    out.push_back({node::Action::kBlock, node::Reason::kStolen,
                   crypto::Sha256(
                       ByteView(reinterpret_cast<const uint8_t*>(x), sizeof x)),
                   1764000000000 + i});
  }
  return out;
}

// Appends `count` entries to origin `o`'s log on `node`, signed by the
// member key in `key_path`, in pieces of at most 250,000 per transaction.
void Grow(node::core::Node& node, const std::string& federation, int o,
          const std::string& key_path, uint64_t count) {
  const std::string origin =
      node::federation::OriginName(federation, "o" + std::to_string(o));
  auto key = crypto::Ed25519PrivateKey::LoadPem(key_path);
  if (!key.ok()) Fail("loading " + key_path + ": " + key.status().ToString());
  auto signer = crypto::NoteSigner::Create(origin, *std::move(key));
  if (!signer.ok()) Fail(signer.status().ToString());
  auto head = node.reads().Head(origin);
  if (!head.ok()) Fail(head.status().ToString());
  auto terms = node.bundles().TermsOf(origin);
  if (!terms.ok()) Fail(terms.status().ToString());
  uint64_t at = head->size;
  // The compact range of the stored log, rebuilt from its leaves' hashes.
  node::merkle::CompactRange range;
  if (at > 0) {
    auto stored = node.reads().ReadEntries(origin, 0, at);
    if (!stored.ok()) Fail(stored.status().ToString());
    for (const node::Entry& e : *stored) {
      range.Append(node::merkle::LogLeafHash(node::EncodeEntry(e)));
    }
  }
  constexpr uint64_t kPiece = 250'000;
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(kPiece, count - done);
    std::vector<node::Entry> entries = Entries(o, at, n);
    for (const node::Entry& e : entries) {
      range.Append(node::merkle::LogLeafHash(node::EncodeEntry(e)));
    }
    crypto::Checkpoint c{origin, at + n, range.Root(), {}};
    crypto::Note note;
    note.text = crypto::FormatCheckpointText(c);
    note.signatures.push_back(signer->Sign(note.text));
    node::replication::VerifiedCheckpoint cp{c, crypto::FormatNote(note)};
    auto applied = node.replicator().ApplyRange(cp, *terms, at, entries);
    if (!applied.ok() ||
        *applied != node::replication::ApplyOutcome::kApplied) {
      Fail("applying " + origin + ": " +
           (applied.ok() ? std::string("not applied")
                         : applied.status().ToString()));
    }
    at += n;
    done += n;
  }
}

struct AuditRun {
  double seconds = 0;
  Json report;
};

AuditRun RunAudit(const std::string& config, const std::string& state_dir,
                  const NodeDir& node, const std::string& scratch) {
  const std::string out_path = scratch + "/audit.out";
  const std::string err_path = scratch + "/audit.err";
  const int out =
      ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err =
      ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0 || err < 0) Fail("cannot open " + out_path);
  const auto start = Clock::now();
  const pid_t pid = Spawn(
      {IMEISYNC_CLI, "audit", "--config", config, "--state-dir", state_dir,
       "--node", node.id + "@127.0.0.1:" + std::to_string(node.port), "--json"},
      out, err);
  int status = 0;
  ::waitpid(pid, &status, 0);
  AuditRun run;
  run.seconds = Seconds(Clock::now() - start);
  ::close(out);
  ::close(err);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Fail("imeisync audit failed: " + FileTail(out_path) + FileTail(err_path));
  }
  run.report = Json::parse(FileTail(out_path, 1 << 24), nullptr, false);
  if (run.report.is_discarded()) Fail("audit printed no JSON");
  return run;
}

Json Summary(const std::string& name, const AuditRun& run) {
  return Json{{"run", name},
              {"seconds", run.seconds},
              {"origins", run.report["origins"].size()},
              {"consistency_proofs", run.report["consistency_proofs"]},
              {"cosigned", run.report["cosigned"]},
              {"ok", run.report["ok"]}};
}

}  // namespace
}  // namespace imeisync::bench

int main(int argc, char** argv) {
  using namespace imeisync;
  using namespace imeisync::bench;
  CLI::App app{"imeisync audit benchmark"};
  uint64_t entries = 1'000'000;
  int origins = 10;
  uint64_t growth = 1000;
  app.add_option("--entries", entries, "entries per origin")
      ->check(CLI::Range(uint64_t{1}, uint64_t{10'000'000}));
  app.add_option("--origins", origins, "origins")->check(CLI::Range(1, 50));
  app.add_option("--growth", growth, "entries added per origin before run 3")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000}));
  std::string ignored_format;  // scripts/bench passes --benchmark_format=json
  app.add_option("--benchmark_format", ignored_format,
                 "accepted for scripts/bench and ignored: output is JSON");
  CLI11_PARSE(app, argc, argv);

  TempDir root("audit-bench");
  std::vector<MemberSpec> specs = {{"ministry", "ministry", {"auditor"}},
                                   {"auditor", "auditor", {"ministry"}}};
  for (int o = 0; o < origins; ++o) {
    specs.push_back({"o" + std::to_string(o), "operator", {"ministry"}});
  }
  std::vector<NodeDir> dirs =
      MakeFederation(IMEISYNC_CLI, root.path(), "bench", specs, 3'600'000);
  const NodeDir& ministry = dirs[0];
  const NodeDir& auditor = dirs[1];

  auto fill = [&](uint64_t count) {
    auto config = node::federation::LoadNodeConfig(ministry.config);
    if (!config.ok()) Fail(config.status().ToString());
    auto node = node::core::Node::Open(*config);
    if (!node.ok()) Fail(node.status().ToString());
    for (int o = 0; o < origins; ++o) {
      Grow(**node, "bench", o, dirs[2 + o].dir + "/node.key", count);
      std::fprintf(stderr, "audit_bench: origin o%d holds %llu more\n", o,
                   static_cast<unsigned long long>(count));
    }
  };
  const auto fill_start = Clock::now();
  fill(entries);
  const double fill_seconds = Seconds(Clock::now() - fill_start);

  const std::string state = root.path() + "/audit-state";
  Json runs = Json::array();
  {
    Member node(IMEISYNC_DAEMON, ministry, root.path() + "/ministry.log");
    node.Start();
    AuditRun first = RunAudit(auditor.config, state, ministry, root.path());
    AuditRun second = RunAudit(auditor.config, state, ministry, root.path());
    runs.push_back(Summary("first (empty state dir)", first));
    runs.push_back(Summary("second (nothing new)", second));
    node.Stop();
  }
  fill(growth);
  {
    Member node(IMEISYNC_DAEMON, ministry, root.path() + "/ministry.log");
    node.Start();
    AuditRun third = RunAudit(auditor.config, state, ministry, root.path());
    runs.push_back(Summary(
        "third (every origin grew by " + std::to_string(growth) + ")", third));
    node.Stop();
  }
  Json out;
  out["benchmark"] = "audit";
  out["cores"] = std::thread::hardware_concurrency();
  out["origins"] = origins;
  out["entries_per_origin"] = entries;
  out["fill_seconds"] = fill_seconds;
  out["runs"] = std::move(runs);
  out["goal_seconds_after_first"] = 2.0;
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
