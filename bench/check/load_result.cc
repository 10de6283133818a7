#include "bench/check/load_result.h"

#include <algorithm>

namespace imeisync::bench {

void LoadResult::Merge(LoadResult&& other) {
  right += other.right;
  wrong += other.wrong;
  errors += other.errors;
  seconds = std::max(seconds, other.seconds);
  latency_ns.insert(latency_ns.end(), other.latency_ns.begin(),
                    other.latency_ns.end());
}

double ChecksPerSecond(const LoadResult& result) {
  if (result.seconds <= 0) return 0;
  return static_cast<double>(result.right + result.wrong) / result.seconds;
}

double LatencyMs(LoadResult& result, double q) {
  std::vector<uint64_t>& v = result.latency_ns;
  if (v.empty()) return 0;
  const size_t k = std::min(
      v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e6;
}

json LoadJson(LoadResult result) {
  const double p50 = LatencyMs(result, 0.50);
  const double p99 = LatencyMs(result, 0.99);
  const double max = LatencyMs(result, 1.0);
  return {{"checks", result.right + result.wrong},
          {"seconds", result.seconds},
          {"checks_per_s", ChecksPerSecond(result)},
          {"p50_ms", p50},
          {"p99_ms", p99},
          {"max_ms", max},
          {"wrong_verdicts", result.wrong},
          {"errors", result.errors}};
}

}  // namespace imeisync::bench
