// Goal 4: `imeisync import` of fresh devices into a running node that
// already holds many registers, timed end to end, with the daemon's and
// the CLI's peak resident set.
#ifndef IMEISYNC_BENCH_CHECK_IMPORT_PHASE_H_
#define IMEISYNC_BENCH_CHECK_IMPORT_PHASE_H_

#include <string>
#include <vector>

#include "bench/check/load_result.h"
#include "bench/sync/member.h"

namespace imeisync::bench {

constexpr double kImportGoalPerSecond = 200'000;
constexpr double kImportGoalPeakRssMb = 512;

// Writes `imeis` as a CSV (header "imei") under `work_dir`, then runs
// `cli` import --config <node.toml> --action block --reason stolen --json
// [--batch `batch`, unless 0] against `node`, which must be running an
// operator's daemon. Fails if the import fails or appends other than
// imeis.size() entries. Returns the figures and "met": at least
// kImportGoalPerSecond rows/s and both peaks (daemon VmHWM, CLI maxrss) at
// most kImportGoalPeakRssMb.
json ImportPhase(const std::string& cli, Member& node,
                 const std::vector<std::string>& imeis, uint64_t batch,
                 const std::string& work_dir);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_IMPORT_PHASE_H_
