// A one-shot program run by the benchmark, with its wall time, CPU time and
// peak resident set.
#ifndef IMEISYNC_BENCH_CHECK_MEASURED_CHILD_H_
#define IMEISYNC_BENCH_CHECK_MEASURED_CHILD_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace imeisync::bench {

struct ChildRun {
  double seconds = 0;  // fork to exit
  // VmHWM in bytes, as last sampled before exit: it only grows, so this
  // misses at most the last poll interval. (wait4's ru_maxrss would not
  // do: it keeps the high-water mark of the forked copy of this process
  // from before exec.)
  uint64_t peak_rss = 0;
  double cpu_seconds = 0;  // user plus system
};

// Runs argv[0] (a path) with `argv`, stdout truncated into `out_path` and
// stderr appended to `log_path`, and calls `each_poll` every `poll` while
// it runs (after sampling the program's VmHWM). Fails, quoting the log, on a
// non-zero exit, after `timeout` or on an interrupt; the program is then
// killed. The child gets SIGKILL if the benchmark dies first.
ChildRun RunMeasured(const std::vector<std::string>& argv,
                     const std::string& out_path, const std::string& log_path,
                     std::chrono::seconds timeout,
                     std::chrono::milliseconds poll,
                     const std::function<void()>& each_poll);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_MEASURED_CHILD_H_
