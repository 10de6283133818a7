// Replication between real imeisyncd processes on loopback. Prints one JSON
// object on stdout; progress goes to stderr. Goals (issue "replication"):
//   incremental sync of d entries into a node holding n: at most
//     1.2 * d * 43 + 2048 bytes and 2 round trips after the announce;
//   bootstrap of an empty node: >= 100k entries/s, peak RSS <= 512 MB;
//   one entry from Submit on A to B's frontier: <= 200 ms.
//
// Three members of one federation: a (ministry) holds n entries in its own
// log; c (operator, peers = [a]) bootstraps from it; b (operator,
// peers = [a]) follows a for the incremental and propagation figures.
// Periodic rounds are set to an hour, so only announces move entries while
// we measure.
//
// Usage: sync_bench [--n 1000000] [--seed S]. scripts/bench passes
// --benchmark_format=json to every *_bench; it is accepted and ignored.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/sync/admin.h"
#include "bench/sync/bench_error.h"
#include "bench/sync/federation_dirs.h"
#include "bench/sync/imei_sequence.h"
#include "bench/sync/member.h"
#include "bench/sync/process.h"
#include "bench/sync/tcp_bytes.h"

namespace imeisync::bench {
namespace {

using json = nlohmann::ordered_json;  // keys print in the order written
using std::chrono::milliseconds;

constexpr uint32_t kQuietSyncIntervalMs = 3'600'000;
constexpr milliseconds kLongWait{300'000};
// The checkpointer signs at most once per checkpoint_interval_ms (200 ms in
// node.toml), so samples are spaced further apart than that: each then
// measures an unpaced Submit, not one queued behind the previous signature.
constexpr milliseconds kSampleSpacing{250};
constexpr int kPropagationSamples = 20;
constexpr uint64_t kEntryBytes = 43;  // canonical entry on the wire
constexpr uint64_t kIncrementalSizes[] = {10, 1'000, 100'000};

struct Options {
  uint64_t n = 1'000'000;
  uint64_t seed = 0;
};

double Rate(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

double Megabytes(uint64_t bytes) {
  return static_cast<double>(bytes) / (1 << 20);
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// Fills a's own log with n registrations, in Submit batches. Sets *origin
// to a's origin name.
json Fill(Member& a, ImeiSequence& imeis, uint64_t n, std::string* origin) {
  std::cerr << "sync_bench: submitting " << n << " entries to a\n";
  const auto start = Clock::now();
  for (uint64_t done = 0; done < n;) {
    if (g_interrupted) Fail("interrupted while filling a");
    const size_t batch =
        static_cast<size_t>(std::min<uint64_t>(kSubmitBatch, n - done));
    v1::SubmitResponse r = a.admin().Submit(
        v1::ACTION_REGISTER, v1::REASON_REGISTRY, imeis.Take(batch));
    *origin = r.origin();
    done += r.count();
  }
  const double seconds = SecondsSince(start);
  return {{"entries", n},
          {"seconds", seconds},
          {"entries_per_s", Rate(n, seconds)}};
}

struct BootstrapRun {
  double ready_s = 0;      // process start to "ready"
  double half_s = 0;       // process start to n/2 entries held
  double total_s = 0;      // process start to n entries and a's state root
  uint64_t peak_rss = 0;   // VmHWM, bytes
  uint64_t peak_anon = 0;  // RssAnon, sampled at each poll
  uint64_t peak_file = 0;  // RssFile, sampled at each poll
  uint64_t data_bytes = 0;
  v1::PeerStatus from_a;  // c's counters for a
};

// Starts the empty member c, times it until it matches a, and stops it.
BootstrapRun RunBootstrap(Member& c, Member& a, const std::string& origin,
                          uint64_t n) {
  c.Start();
  std::cerr << "sync_bench: c bootstraps from a\n";
  BootstrapRun r;
  const auto start = c.process().started();
  const auto since_start = [&](Clock::time_point t) {
    return std::chrono::duration<double>(t - start).count();
  };
  // Each Status signs a state head, so polling is not free: every 50 ms
  // costs c about 1% of a core and 0.2% of precision on a 30 s bootstrap.
  // VmHWM counts the LMDB map's file pages too; the sampled split says how
  // much of the peak is memory the process allocated.
  const auto done = WaitCaughtUp(
      c, a, origin, milliseconds(50), kLongWait, [&](const v1::NodeStatus& s) {
        r.peak_anon = std::max(r.peak_anon, c.process().RssAnonBytes());
        r.peak_file = std::max(r.peak_file, c.process().RssFileBytes());
        if (r.half_s == 0 && OriginSize(s, origin) >= n / 2) {
          r.half_s = since_start(Clock::now());
        }
      });
  r.ready_s = since_start(c.process().ready());
  r.total_s = since_start(done);
  r.peak_rss = c.process().PeakRssBytes();
  r.from_a = PeerCounters(c.Status(), a.dir().id);
  c.Stop();
  r.data_bytes = DirBytes(c.dir().dir + "/data");
  return r;
}

// A rate over half the bootstrap, or null when that half lasted under a
// second: 50 ms polls make a shorter one meaningless.
json HalfRate(uint64_t count, double seconds) {
  if (seconds < 1) return nullptr;
  return Rate(count, seconds);
}

json BootstrapJson(const BootstrapRun& r, uint64_t n) {
  const double rate = Rate(n, r.total_s);
  const uint64_t bytes = r.from_a.bytes_in() + r.from_a.bytes_out();
  return {
      {"entries", n},
      {"seconds_start_to_ready", r.ready_s},
      {"seconds_from_start", r.total_s},
      {"seconds_from_ready", r.total_s - r.ready_s},
      {"entries_per_s", rate},
      {"entries_per_s_from_ready", Rate(n, r.total_s - r.ready_s)},
      {"seconds_to_half_from_start", r.half_s},
      {"entries_per_s_first_half", HalfRate(n / 2, r.half_s)},
      {"entries_per_s_second_half", HalfRate(n - n / 2, r.total_s - r.half_s)},
      {"peak_rss_mb", Megabytes(r.peak_rss)},
      {"sampled_peak_rss_anon_mb", Megabytes(r.peak_anon)},
      {"sampled_peak_rss_file_mb", Megabytes(r.peak_file)},
      {"data_dir_mb", Megabytes(r.data_bytes)},
      {"bytes", bytes},
      {"bytes_per_entry", static_cast<double>(bytes) / static_cast<double>(n)},
      {"calls", r.from_a.calls()},
      {"goal_entries_per_s", 100'000},
      {"goal_peak_rss_mb", 512},
      {"met", rate >= 100'000 && r.peak_rss <= (uint64_t{512} << 20)}};
}

struct Watched {
  double submit_s = 0;  // the Submit call on a
  double total_s = 0;   // Submit call start to b holding every entry
};

// Submits `imeis` on a from another thread while polling b every `poll`
// until b holds them all.
Watched SubmitAndWatch(Member& a, Member& b, const std::string& origin,
                       const std::vector<std::string>& imeis,
                       milliseconds poll) {
  const uint64_t target = OriginSize(a.Status(), origin) + imeis.size();
  const auto start = Clock::now();
  auto submitted = std::async(std::launch::async, [&] {
    a.admin().Submit(v1::ACTION_BLOCK, v1::REASON_COUNTERFEIT, imeis);
    return SecondsSince(start);
  });
  const auto held =
      WaitFor("b to hold " + std::to_string(target) + " entries of " + origin,
              kLongWait, poll,
              [&] { return OriginSize(b.Status(), origin) >= target; });
  Watched w;
  w.submit_s = submitted.get();
  w.total_s = std::chrono::duration<double>(held - start).count();
  return w;
}

struct Counters {
  v1::PeerStatus a_to_b;  // a's client counters for peer b (the announce)
  v1::PeerStatus b_to_a;  // b's client counters for peer a (the pull)
};

Counters ReadCounters(Member& a, Member& b) {
  return {PeerCounters(a.Status(), b.dir().id),
          PeerCounters(b.Status(), a.dir().id)};
}

// Counters are bumped when a call finishes, which can be just after b's
// frontier shows the entries: wait until both sides counted a call and two
// reads 50 ms apart agree.
Counters SettledCounters(Member& a, Member& b, const Counters& before) {
  Counters last = ReadCounters(a, b);
  Counters now = last;
  WaitFor("replication counters to settle", milliseconds(10'000),
          milliseconds(50), [&] {
            now = ReadCounters(a, b);
            const bool stable = now.a_to_b.SerializeAsString() ==
                                    last.a_to_b.SerializeAsString() &&
                                now.b_to_a.SerializeAsString() ==
                                    last.b_to_a.SerializeAsString();
            last = now;
            return stable && now.a_to_b.calls() > before.a_to_b.calls() &&
                   now.b_to_a.calls() > before.b_to_a.calls();
          });
  return now;
}

json Incremental(Member& a, Member& b, const std::string& origin, uint64_t d,
                 ImeiSequence& imeis) {
  std::cerr << "sync_bench: incremental sync of " << d << " entries\n";
  const std::vector<std::string> batch = imeis.Take(static_cast<size_t>(d));
  const std::vector<int> ports = {a.dir().port, b.dir().port};
  std::this_thread::sleep_for(kSampleSpacing);
  const Counters before = ReadCounters(a, b);
  const auto tcp_before = LoopbackClientBytes(ports);
  const Watched w = SubmitAndWatch(a, b, origin, batch, milliseconds(2));
  const Counters after = SettledCounters(a, b, before);
  const auto tcp_after = LoopbackClientBytes(ports);

  const uint64_t a_out = after.a_to_b.bytes_out() - before.a_to_b.bytes_out();
  const uint64_t a_in = after.a_to_b.bytes_in() - before.a_to_b.bytes_in();
  const uint64_t b_out = after.b_to_a.bytes_out() - before.b_to_a.bytes_out();
  const uint64_t b_in = after.b_to_a.bytes_in() - before.b_to_a.bytes_in();
  const uint64_t total = a_out + a_in + b_out + b_in;
  const uint64_t round_trips = after.b_to_a.calls() - before.b_to_a.calls();
  const double goal = 1.2 * static_cast<double>(d * kEntryBytes) + 2048;
  json tcp = nullptr;
  if (tcp_before && tcp_after) tcp = *tcp_after - *tcp_before;
  return {{"d", d},
          {"bytes_a_to_b", a_out + b_in},
          {"bytes_b_to_a", a_in + b_out},
          {"bytes_total", total},
          {"bytes_goal", goal},
          {"bytes_ratio_to_goal", static_cast<double>(total) / goal},
          {"tcp_payload_bytes", tcp},
          {"announces", after.a_to_b.calls() - before.a_to_b.calls()},
          {"round_trips_after_announce", round_trips},
          {"entries_applied",
           after.b_to_a.entries_applied() - before.b_to_a.entries_applied()},
          {"submit_s", w.submit_s},
          {"seconds", w.total_s},
          {"met", static_cast<double>(total) <= goal && round_trips <= 2}};
}

// One entry at a time from a to b, `spacing` between Submit calls.
json Propagation(Member& a, Member& b, const std::string& origin,
                 ImeiSequence& imeis, milliseconds spacing) {
  std::cerr << "sync_bench: propagation, " << kPropagationSamples
            << " single entries " << spacing.count() << " ms apart\n";
  std::vector<double> total_ms, submit_ms;
  for (int i = 0; i < kPropagationSamples; ++i) {
    std::this_thread::sleep_for(spacing);
    const Watched w =
        SubmitAndWatch(a, b, origin, imeis.Take(1), milliseconds(2));
    total_ms.push_back(w.total_s * 1e3);
    submit_ms.push_back(w.submit_s * 1e3);
  }
  const double median = Median(total_ms);
  const double max = *std::max_element(total_ms.begin(), total_ms.end());
  return {{"samples", kPropagationSamples},
          {"spacing_ms", spacing.count()},
          {"median_ms", median},
          {"max_ms", max},
          {"min_ms", *std::min_element(total_ms.begin(), total_ms.end())},
          {"submit_median_ms", Median(submit_ms)},
          {"goal_ms", 200},
          {"met", max <= 200}};
}

json Machine() {
  std::ifstream loadavg("/proc/loadavg");
  double load = 0;
  loadavg >> load;
  return {{"cores", std::thread::hardware_concurrency()},
          {"load_avg_1m_at_start", load}};
}

json RunBench(const Options& options) {
  json out = {{"benchmark", "sync_bench"},
              {"n", options.n},
              {"seed", options.seed},
              {"machine", Machine()}};
  TempDir tmp("imeisync-sync-bench");
  // a syncs with b only: c runs only while it bootstraps, and announces to
  // a stopped node would be noise in a's counters.
  const std::vector<NodeDir> dirs =
      MakeFederation(IMEISYNC_CLI, tmp.path(), "bench",
                     {{"a", "ministry", {"b"}},
                      {"b", "operator", {"a"}},
                      {"c", "operator", {"a"}}},
                     kQuietSyncIntervalMs);
  // Declared after tmp, so every daemon stops before its directory goes.
  Member a(IMEISYNC_DAEMON, dirs[0], tmp.path() + "/a.log"),
      b(IMEISYNC_DAEMON, dirs[1], tmp.path() + "/b.log"),
      c(IMEISYNC_DAEMON, dirs[2], tmp.path() + "/c.log");
  ImeiSequence imeis(options.seed);
  std::string origin;

  a.Start();
  out["fill"] = Fill(a, imeis, options.n, &origin);
  out["bootstrap"] =
      BootstrapJson(RunBootstrap(c, a, origin, options.n), options.n);

  // b was down while a filled, so a's channel to b sits in gRPC's reconnect
  // backoff and an announce would fail fast. Restarting a gives it a fresh
  // channel; then b catches up and a's first round with b must succeed.
  a.Stop();
  a.Start();
  b.Start();
  const auto b_started = Clock::now();
  WaitCaughtUp(b, a, origin, milliseconds(20), kLongWait);
  std::cerr << "sync_bench: b caught up in " << SecondsSince(b_started)
            << " s\n";
  WaitFor("a's first successful round with b", milliseconds(60'000),
          milliseconds(50), [&] {
            const v1::PeerStatus p = PeerCounters(a.Status(), b.dir().id);
            return p.last_sync_ms() > 0 && p.last_error().empty();
          });

  out["incremental"] = json::array();
  for (uint64_t d : kIncrementalSizes) {
    out["incremental"].push_back(Incremental(a, b, origin, d, imeis));
  }
  out["propagation"] = Propagation(a, b, origin, imeis, kSampleSpacing);
  // Each Submit right after the previous one's signature: what a steady
  // stream of single submits sees, the checkpointer's pacing included.
  out["propagation_back_to_back"] =
      Propagation(a, b, origin, imeis, milliseconds(0));
  out["peak_rss_mb"] = {{"a", Megabytes(a.process().PeakRssBytes())},
                        {"b", Megabytes(b.process().PeakRssBytes())}};
  return out;
}

void OnSignal(int) { g_interrupted = true; }

}  // namespace
}  // namespace imeisync::bench

int main(int argc, char** argv) {
  namespace bench = imeisync::bench;
  CLI::App app{"sync_bench: replication between imeisyncd processes"};
  bench::Options options;
  options.seed = std::random_device{}();
  std::string ignored_format;
  app.add_option("--n", options.n, "entries a holds before the measurements")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}));
  app.add_option("--seed", options.seed, "seed of the IMEI sequence");
  app.add_option("--benchmark_format", ignored_format,
                 "accepted for scripts/bench; output is always JSON");
  CLI11_PARSE(app, argc, argv);

  // Ctrl-C makes the waits fail, so the guards stop the daemons and
  // remove the temp dir on the way out.
  struct sigaction sa {};
  sa.sa_handler = bench::OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  try {
    std::cout << bench::RunBench(options).dump(2) << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "sync_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
