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
#include <functional>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/sync/admin.h"
#include "bench/sync/bench_error.h"
#include "bench/sync/federation_dirs.h"
#include "bench/sync/imei_sequence.h"
#include "bench/sync/process.h"
#include "bench/sync/tcp_bytes.h"

namespace imeisync::bench {
namespace {

using json = nlohmann::ordered_json;  // keys print in the order written
using std::chrono::milliseconds;

constexpr uint32_t kQuietSyncIntervalMs = 3'600'000;
constexpr milliseconds kLongWait{300'000};
// node.toml's default checkpoint_interval_ms: the checkpointer signs at most
// once per interval, so single-entry samples are spaced further apart than
// this to measure an unpaced path.
constexpr milliseconds kSampleSpacing{250};
constexpr int kPropagationSamples = 20;
constexpr uint64_t kEntryBytes = 43;  // canonical entry on the wire
constexpr uint64_t kIncrementalSizes[] = {10, 1'000, 100'000};

struct Options {
  uint64_t n = 1'000'000;
  uint64_t seed = 0;
};

// One member: its directory, and its daemon and admin connection while it
// runs. The destructor stops the daemon.
class Member {
 public:
  Member(NodeDir dir, std::string log_path)
      : dir_(std::move(dir)), log_path_(std::move(log_path)) {}

  void Start() {
    std::cerr << "sync_bench: starting " << dir_.id << "\n";
    process_ = DaemonProcess::Start(IMEISYNC_DAEMON, dir_.config, log_path_);
    admin_ = std::make_unique<AdminConnection>(dir_.admin_socket);
  }
  void Stop() {
    admin_.reset();
    process_.reset();
  }

  const NodeDir& dir() const { return dir_; }
  // REQUIRES: started.
  DaemonProcess& process() { return *process_; }
  AdminConnection& admin() { return *admin_; }
  v1::NodeStatus Status() { return admin_->Status(); }

 private:
  NodeDir dir_;
  std::string log_path_;
  std::unique_ptr<DaemonProcess> process_;
  std::unique_ptr<AdminConnection> admin_;
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

// Waits until `follower` holds every entry of `origin` that `leader` holds
// and has the same state root, calling `each_poll` (if set) on every poll.
// Returns when that was first seen.
Clock::time_point WaitCaughtUp(Member& follower, Member& leader,
                               const std::string& origin, milliseconds poll,
                               const std::function<void()>& each_poll = {}) {
  const v1::NodeStatus target = leader.Status();
  const uint64_t size = OriginSize(target, origin);
  return WaitFor(follower.dir().id + " to hold " + std::to_string(size) +
                     " entries of " + origin + " and " + leader.dir().id +
                     "'s state root",
                 kLongWait, poll, [&] {
                   if (each_poll) each_poll();
                   const v1::NodeStatus s = follower.Status();
                   return OriginSize(s, origin) >= size &&
                          s.state_root() == target.state_root();
                 });
}

// Starts the empty member c and times it until it matches a.
json Bootstrap(Member& c, Member& a, const std::string& origin, uint64_t n) {
  c.Start();
  std::cerr << "sync_bench: c bootstraps from a\n";
  // VmHWM counts the LMDB map's file pages too; the sampled split says how
  // much of the peak is memory the process actually allocated.
  uint64_t anon = 0, file = 0;
  // Each Status signs a state head, so polling is not free: every 50 ms
  // costs c about 1% of a core and 0.2% of precision on a 30 s bootstrap.
  const auto done = WaitCaughtUp(c, a, origin, milliseconds(50), [&] {
    anon = std::max(anon, c.process().RssAnonBytes());
    file = std::max(file, c.process().RssFileBytes());
  });
  const uint64_t rss = c.process().PeakRssBytes();
  const v1::PeerStatus from_a = PeerCounters(c.Status(), a.dir().id);
  const auto seconds = [](Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
  };
  const double from_start = seconds(c.process().started(), done);
  const double from_ready = seconds(c.process().ready(), done);
  c.Stop();
  const double rate = Rate(n, from_start);
  return {{"entries", n},
          {"seconds_start_to_ready", from_start - from_ready},
          {"seconds_from_start", from_start},
          {"seconds_from_ready", from_ready},
          {"entries_per_s", rate},
          {"entries_per_s_from_ready", Rate(n, from_ready)},
          {"peak_rss_mb", Megabytes(rss)},
          {"sampled_peak_rss_anon_mb", Megabytes(anon)},
          {"sampled_peak_rss_file_mb", Megabytes(file)},
          {"data_dir_mb", Megabytes(DirBytes(c.dir().dir + "/data"))},
          {"bytes_in", from_a.bytes_in()},
          {"bytes_out", from_a.bytes_out()},
          {"bytes_per_entry",
           static_cast<double>(from_a.bytes_in() + from_a.bytes_out()) /
               static_cast<double>(n)},
          {"calls", from_a.calls()},
          {"goal_entries_per_s", 100'000},
          {"goal_peak_rss_mb", 512},
          {"met", rate >= 100'000 && rss <= (uint64_t{512} << 20)}};
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

json Propagation(Member& a, Member& b, const std::string& origin,
                 ImeiSequence& imeis) {
  std::cerr << "sync_bench: propagation, " << kPropagationSamples
            << " single entries\n";
  std::vector<double> total_ms, submit_ms;
  for (int i = 0; i < kPropagationSamples; ++i) {
    std::this_thread::sleep_for(kSampleSpacing);
    const Watched w =
        SubmitAndWatch(a, b, origin, imeis.Take(1), milliseconds(2));
    total_ms.push_back(w.total_s * 1e3);
    submit_ms.push_back(w.submit_s * 1e3);
  }
  const double median = Median(total_ms);
  const double max = *std::max_element(total_ms.begin(), total_ms.end());
  return {{"samples", kPropagationSamples},
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
  Member a(dirs[0], tmp.path() + "/a.log"), b(dirs[1], tmp.path() + "/b.log"),
      c(dirs[2], tmp.path() + "/c.log");
  ImeiSequence imeis(options.seed);
  std::string origin;

  a.Start();
  out["fill"] = Fill(a, imeis, options.n, &origin);
  out["bootstrap"] = Bootstrap(c, a, origin, options.n);

  // b was down while a filled, so a's channel to b sits in gRPC's reconnect
  // backoff and an announce would fail fast. Restarting a gives it a fresh
  // channel; then b catches up and a's first round with b must succeed.
  a.Stop();
  a.Start();
  b.Start();
  const auto b_started = Clock::now();
  WaitCaughtUp(b, a, origin, milliseconds(20));
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
  out["propagation"] = Propagation(a, b, origin, imeis);
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
