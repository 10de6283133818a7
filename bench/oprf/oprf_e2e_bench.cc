// oprf_e2e_bench: an operator's whole device inventory tagged in oprf mode,
// end to end over loopback (issue 7 goal: 1e6 tags in <= 5 minutes on 2
// cores). Two real imeisyncd processes, a ministry holding the OPRF key
// and an operator; `imeisync prefetch` sends the inventory to the
// operator's node, which blinds it, asks the ministry's Oprf service in
// batches, verifies every batch proof, finalizes and caches. Then the same
// inventory again, all cached: the ratio shows what the blinded round trips
// cost. Prints one JSON object.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/check/cpu_usage.h"
#include "bench/sync/bench_error.h"
#include "bench/sync/federation_dirs.h"
#include "bench/sync/imei_sequence.h"
#include "bench/sync/member.h"
#include "bench/sync/process.h"

namespace imeisync::bench {
namespace {

using Json = nlohmann::ordered_json;

struct Options {
  uint64_t devices = 1'000'000;
  uint64_t seed = 7;
};

uint64_t Used(const v1::NodeStatus& ministry, const std::string& member) {
  for (const v1::OprfUsage& u : ministry.oprf().usage()) {
    if (u.member() == member) return u.used();
  }
  return 0;
}

// One uncached device at a time, as an EIR's first check of a new phone:
// the latency of one blinded round trip through the operator's node.
Json SingleDevices(const std::string& admin_socket, uint64_t seed) {
  constexpr int kCount = 200;
  auto channel = grpc::CreateChannel("unix:" + admin_socket,
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::Admin::NewStub(channel);
  ImeiSequence imeis(seed);
  std::vector<double> ms;
  for (const std::string& imei : imeis.Take(kCount)) {
    v1::PrefetchTagsRequest request;
    request.add_imeis(imei);
    v1::PrefetchTagsResponse reply;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    const auto start = Clock::now();
    grpc::Status s = stub->PrefetchTags(&context, request, &reply);
    if (!s.ok()) Fail("PrefetchTags: " + s.error_message());
    ms.push_back(SecondsSince(start) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  return Json{{"count", kCount},
              {"median_ms", ms[ms.size() / 2]},
              {"p99_ms", ms[ms.size() * 99 / 100]}};
}

Json Run(const Options& o) {
  TempDir root("imeisync-oprf-bench");
  const std::vector<NodeDir> dirs = MakeFederation(
      IMEISYNC_CLI, root.path(), "bench",
      {{"ministry", "ministry", {}}, {"op1", "operator", {}}}, 60'000,
      {"--mode", "oprf", "--oprf-budget", std::to_string(2 * o.devices)});
  Member ministry(IMEISYNC_DAEMON, dirs[0], root.path() + "/ministry.log");
  Member op1(IMEISYNC_DAEMON, dirs[1], root.path() + "/op1.log");
  ministry.Start();
  op1.Start();

  const std::string inventory = root.path() + "/inventory.txt";
  {
    std::ofstream out(inventory);
    ImeiSequence imeis(o.seed);
    for (uint64_t done = 0; done < o.devices;) {
      const uint64_t n = std::min<uint64_t>(100'000, o.devices - done);
      for (const std::string& imei : imeis.Take(n)) out << imei << '\n';
      done += n;
    }
    if (!out) Fail("cannot write " + inventory);
  }
  auto prefetch = [&](const std::string& log) {
    const double ministry_cpu = ProcessCpuSeconds(ministry.process().pid());
    const double op1_cpu = ProcessCpuSeconds(op1.process().pid());
    const auto start = Clock::now();
    RunProgram({IMEISYNC_CLI, "prefetch", "--config", dirs[1].config, "--json",
                inventory},
               root.path() + "/" + log, std::chrono::seconds(1800));
    const double wall = SecondsSince(start);
    return Json{
        {"seconds", wall},
        {"devices_per_second", wall > 0 ? o.devices / wall : 0.0},
        {"ministry_cpu_s",
         ProcessCpuSeconds(ministry.process().pid()) - ministry_cpu},
        {"operator_cpu_s", ProcessCpuSeconds(op1.process().pid()) - op1_cpu}};
  };
  Json single = SingleDevices(dirs[1].admin_socket, o.seed + 1);
  Json first = prefetch("first.log");
  const uint64_t used_first = Used(ministry.Status(), "op1");
  const uint64_t cached = op1.Status().oprf().cache_entries();
  Json again = prefetch("again.log");
  const uint64_t used_again = Used(ministry.Status(), "op1");
  constexpr uint64_t kSingles = 200;  // SingleDevices()
  if (used_first != o.devices + kSingles || cached != o.devices + kSingles ||
      used_again != used_first) {
    Fail("expected " + std::to_string(o.devices + kSingles) +
         " evaluations and cache entries, once; got " +
         std::to_string(used_first) + " evaluations, " +
         std::to_string(cached) + " cached, then " +
         std::to_string(used_again) + " evaluations");
  }
  const double seconds = first["seconds"].get<double>();
  return Json{{"benchmark", "oprf_e2e"},
              {"devices", o.devices},
              {"cores", std::thread::hardware_concurrency()},
              {"single_uncached_device", single},
              {"first", first},
              {"cached_rerun", again},
              {"first_over_cached",
               seconds / std::max(1e-9, again["seconds"].get<double>())},
              {"evaluations_charged", used_first},
              {"goal_seconds_per_1e6", 300},
              {"seconds_per_1e6", seconds * 1e6 / o.devices},
              {"goal_met", seconds * 1e6 / o.devices <= 300}};
}

}  // namespace
}  // namespace imeisync::bench

int main(int argc, char** argv) {
  imeisync::bench::Options o;
  CLI::App app("oprf_e2e_bench: 1e6 inventory tags over loopback, oprf mode");
  app.add_option("--devices", o.devices, "inventory size")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "IMEI sequence seed")->capture_default_str();
  std::string ignored;
  app.add_option("--benchmark_format", ignored, "accepted; output is JSON");
  CLI11_PARSE(app, argc, argv);
  try {
    std::cout << imeisync::bench::Run(o).dump(2) << std::endl;
  } catch (const imeisync::bench::BenchError& e) {
    std::cerr << "oprf_e2e_bench: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
