#include "bench/check/workload.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace imeisync::bench {

Workload MakeWorkload(std::vector<std::string> hits,
                      std::vector<std::string> misses, uint64_t seed) {
  const size_t total = hits.size() + misses.size();
  if (total == 0) Fail("a workload needs at least one IMEI");
  std::vector<size_t> order(total);
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  Workload w;
  w.imeis.reserve(total);
  w.blocked.reserve(total);
  for (size_t k : order) {
    const bool hit = k < hits.size();
    w.imeis.push_back(std::move(hit ? hits[k] : misses[k - hits.size()]));
    w.blocked.push_back(hit ? 1 : 0);
  }
  return w;
}

}  // namespace imeisync::bench
