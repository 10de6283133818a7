// The queries every check benchmark sends: IMEIs whose verdict is known,
// half of them blocked on the node and half never submitted, shuffled.
#ifndef IMEISYNC_BENCH_CHECK_WORKLOAD_H_
#define IMEISYNC_BENCH_CHECK_WORKLOAD_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/sync/bench_error.h"

namespace imeisync::bench {

struct Workload {
  std::vector<std::string> imeis;  // 15 digits each
  std::vector<uint8_t> blocked;    // 1: the node holds a block for imeis[i]

  size_t size() const { return imeis.size(); }
};

// `hits` (blocked on the node) and `misses` (unknown to it), interleaved in
// an order drawn from `seed`. REQUIRES: at least one IMEI in all.
Workload MakeWorkload(std::vector<std::string> hits,
                      std::vector<std::string> misses, uint64_t seed);

// When a closed-loop run measures: requests started in [measure_from,
// until) count; earlier ones are warm-up.
struct LoadWindow {
  Clock::time_point measure_from;
  Clock::time_point until;

  // A window that opens `warmup` from now and lasts `measure`.
  static LoadWindow FromNow(std::chrono::milliseconds warmup,
                            std::chrono::milliseconds measure) {
    const auto from = Clock::now() + warmup;
    return {from, from + measure};
  }
  double seconds() const {
    return std::chrono::duration<double>(until - measure_from).count();
  }
};

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_WORKLOAD_H_
