// The export log of a link (node/core/exporter.h) on a ministry node, in
// this process. Prints one JSON object on stdout; progress goes to stderr.
// No issue sets a goal; the figures are for docs/benchmarks.md and the
// operations guide (what a new link's backfill costs).
//
// One federation made in a temp dir with the same code as `imeisync
// federation init` / `add-member` / `link create`: a ministry, an operator
// and a linked foreign member. The operator's log is written straight into
// the ministry's store (the exporter reads stored entries; how they
// arrived does not matter to it):
//   backfill:    n BLOCK STOLEN entries, then the exporter reads them all
//                (Step(50,000) until current): n export entries;
//   incremental: n/10 CLEARs of blocked devices and n/10 BLOCKs of new
//                ones, then the same: n/5 export entries;
//   sign:        one checkpoint of the export log.
//
// Usage: export_bench [--n 1000000]. scripts/bench passes
// --benchmark_format=json; it is accepted and ignored.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "node/core/exporter.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/origin_name.h"
#include "node/federation/setup.h"

namespace imeisync::bench {
namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;
namespace fed = node::federation;

constexpr uint64_t kFillBatch = 100'000;
constexpr uint64_t kStep = 50'000;

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what);
}

template <class T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Fail(what + ": " + r.status().ToString());
  return *std::move(r);
}

void Must(const Status& s, const std::string& what) {
  if (!s.ok()) Fail(what + ": " + s.ToString());
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Appends `entries` to `origin` in the ministry's store, kFillBatch per
// write transaction.
void Fill(node::core::Node& ministry, const std::string& origin,
          const std::vector<node::Entry>& entries) {
  for (size_t at = 0; at < entries.size(); at += kFillBatch) {
    const size_t end = std::min<size_t>(entries.size(), at + kFillBatch);
    std::span<const node::Entry> part(entries.data() + at, end - at);
    Must(ministry.storage().env().Update([&](node::store::WriteTxn& txn) {
      return ministry.storage().logs().Append(txn, origin, part).status();
    }),
         "append");
  }
}

// Steps the exporter until it is current; returns entries read.
uint64_t Drain(node::core::Exporter& exporter) {
  uint64_t total = 0;
  for (;;) {
    const uint64_t read = Must(exporter.Step(kStep), "export step");
    if (read == 0) return total;
    total += read;
    std::cerr << "\rexport_bench: read " << total << std::flush;
  }
}

json Phase(uint64_t read, double seconds, uint64_t exported_entries) {
  return {{"domestic_entries_read", read},
          {"export_entries_written", exported_entries},
          {"seconds", seconds},
          {"entries_per_second", static_cast<double>(read) / seconds}};
}

int Run(uint64_t n) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("imeisync-export-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string fed_dir = (dir / "fed").string();
  Must(fed::CreateFederation({fed_dir, "kz"}), "federation init");
  for (const auto& [id, role] : {std::pair{"ministry", fed::Role::kMinistry},
                                 std::pair{"op1", fed::Role::kOperator}}) {
    fed::AddMemberOptions o;
    o.fed_dir = fed_dir;
    o.id = id;
    o.role = role;
    o.out_dir = (dir / id).string();
    Must(fed::AddMember(o), "add-member");
  }
  {
    fed::AddMemberOptions o;
    o.fed_dir = fed_dir;
    o.id = "uz";
    o.role = fed::Role::kForeign;
    o.endpoint = "127.0.0.1:1";
    o.out_dir = (dir / "uz").string();
    o.link = fed::Link{};
    Must(fed::AddMember(o), "link create");
  }
  std::filesystem::copy_file(fed_dir + "/bundle.toml",
                             dir / "ministry" / "bundle.toml",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(fed_dir + "/bundle.toml.sig",
                             dir / "ministry" / "bundle.toml.sig",
                             std::filesystem::copy_options::overwrite_existing);
  auto config = Must(fed::LoadNodeConfig((dir / "ministry/node.toml").string()),
                     "node.toml");
  auto ministry = Must(node::core::Node::Open(config), "open ministry");
  const std::string op1 = node::federation::OriginName("kz", "op1");
  const std::string export_origin =
      node::federation::ExportOriginName("kz", "ministry", "uz");

  std::mt19937_64 rng(1);
  std::vector<node::Entry> entries(n);
  for (uint64_t i = 0; i < n; ++i) {
    node::Entry& e = entries[i];
    e.action = node::Action::kBlock;
    e.reason = node::Reason::kStolen;
    for (auto& b : e.tag) b = static_cast<uint8_t>(rng());
    e.issued_at_ms = 1'700'000'000'000 + i;
  }
  std::cerr << "export_bench: writing " << n << " domestic entries\n";
  Fill(*ministry, op1, entries);

  node::core::Exporter exporter(*ministry, std::chrono::milliseconds(200),
                                [](const std::string&) {});
  auto t0 = Clock::now();
  const uint64_t backfilled = Drain(exporter);
  const double backfill_s = Seconds(t0);
  const uint64_t after_backfill =
      Must(ministry->reads().Head(export_origin), "head").size;
  std::cerr << "\n";

  std::vector<node::Entry> changes;
  for (uint64_t i = 0; i < n / 10; ++i) {
    node::Entry clear = entries[i];
    clear.action = node::Action::kClear;
    changes.push_back(clear);
    node::Entry block = entries[i];
    for (auto& b : block.tag) b = static_cast<uint8_t>(rng());
    changes.push_back(block);
  }
  Fill(*ministry, op1, changes);
  t0 = Clock::now();
  const uint64_t incremental = Drain(exporter);
  const double incremental_s = Seconds(t0);
  const uint64_t after_incremental =
      Must(ministry->reads().Head(export_origin), "head").size;
  std::cerr << "\n";

  t0 = Clock::now();
  auto notes = Must(exporter.SignCheckpoints(), "sign");
  const double sign_ms = Seconds(t0) * 1e3;
  auto status = Must(exporter.Exports(), "exports");

  json out = {
      {"bench", "export"},
      {"cores", std::thread::hardware_concurrency()},
      {"n", n},
      {"backfill", Phase(backfilled, backfill_s, after_backfill)},
      {"incremental",
       Phase(incremental, incremental_s, after_incremental - after_backfill)},
      {"sign_checkpoint_ms", sign_ms},
      {"checkpoints_signed", notes.size()},
      {"exported_devices", status.at(0).exported},
      {"pending_after", status.at(0).pending},
      {"data_mdb_bytes",
       std::filesystem::file_size(dir / "ministry" / "data" / "data.mdb")}};
  std::cout << out.dump(2) << "\n";
  ministry.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace imeisync::bench

int main(int argc, char** argv) {
  CLI::App app("export_bench: a link's export log on a ministry node");
  uint64_t n = 1'000'000;
  std::string ignored;
  app.add_option("--n", n, "domestic BLOCK entries to export");
  app.add_option("--benchmark_format", ignored, "ignored (scripts/bench)");
  CLI11_PARSE(app, argc, argv);
  try {
    return imeisync::bench::Run(n);
  } catch (const std::exception& e) {
    std::cerr << "export_bench: " << e.what() << "\n";
    return 1;
  }
}
