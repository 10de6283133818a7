// The node without the network: filling its own log with Node::Submit and
// timing DeviceChecks::Check, both in this process.
#ifndef IMEISYNC_BENCH_CHECK_IN_PROCESS_H_
#define IMEISYNC_BENCH_CHECK_IN_PROCESS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/check/load_result.h"
#include "bench/check/workload.h"
#include "bench/sync/imei_sequence.h"
#include "node/core/device_checks.h"
#include "node/core/node.h"

namespace imeisync::bench {

// IMEIs per Submit while filling.
constexpr size_t kFillBatch = 100'000;

// Blocks (stolen) the next `n` IMEIs of `imeis` in `node`'s own log, in
// Submit calls of kFillBatch, and keeps every (n / sample)-th of them, at
// most `sample`, in *sampled. Fails with the node's message. Returns
// {"entries", "seconds", "entries_per_s"}.
json FillOwnLog(node::core::Node& node, ImeiSequence& imeis, uint64_t n,
                size_t sample, std::vector<std::string>* sampled);

// Checks every request of `workload` once, `batch` at a time, on this
// thread: the first touch of each LMDB page it needs costs a page fault,
// so this warms the map for the timed runs. Returns {"verdicts",
// "seconds", "verdicts_per_s"}; fails if a Check call fails or a verdict
// is wrong.
json CheckAllOnce(const node::core::DeviceChecks& checks,
                  const Workload& workload, size_t batch);

// Runs `threads` threads, each calling checks.Check on `batch` requests of
// `workload` at a time until window.until. Counts each verdict whose batch
// started in the window; latency_ns holds one entry per batch. Fails if a
// Check call fails.
LoadResult CheckInProcess(const node::core::DeviceChecks& checks,
                          const Workload& workload, int threads, size_t batch,
                          LoadWindow window);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_IN_PROCESS_H_
