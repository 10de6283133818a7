// What one closed-loop load run measured, and its JSON form.
#ifndef IMEISYNC_BENCH_CHECK_LOAD_RESULT_H_
#define IMEISYNC_BENCH_CHECK_LOAD_RESULT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace imeisync::bench {

using json = nlohmann::ordered_json;  // keys print in the order written

// Most requests one client thread or connection sends in one run: a bound
// on the loop besides its deadline.
constexpr uint64_t kMaxRequestsPerClient = 50'000'000;

struct LoadResult {
  // Requests started inside the measured window, by outcome.
  uint64_t right = 0;   // answered with the verdict the workload expects
  uint64_t wrong = 0;   // answered with another verdict
  uint64_t errors = 0;  // failed, or an answer that did not parse
  double seconds = 0;   // length of the measured window
  std::vector<uint64_t> latency_ns;  // one per answered request (right+wrong)

  // Adds `other`'s counts and latencies (same window) to this one.
  void Merge(LoadResult&& other);
};

// {"checks", "seconds", "checks_per_s", "p50_ms", "p99_ms", "max_ms",
//  "wrong_verdicts", "errors"}; checks counts answered requests.
json LoadJson(LoadResult result);

// Answered requests per second.
double ChecksPerSecond(const LoadResult& result);
// The q-quantile (0..1) of the latencies in ms; 0 if there are none.
// Reorders result.latency_ns.
double LatencyMs(LoadResult& result, double q);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_LOAD_RESULT_H_
