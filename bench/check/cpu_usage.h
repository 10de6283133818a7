// CPU time used by this process and by a daemon, so a figure measured on a
// small machine says who was using the cores: the server or the load.
#ifndef IMEISYNC_BENCH_CHECK_CPU_USAGE_H_
#define IMEISYNC_BENCH_CHECK_CPU_USAGE_H_

#include <sys/types.h>

#include "bench/check/load_result.h"
#include "bench/sync/bench_error.h"

namespace imeisync::bench {

// User plus system CPU seconds so far: this process (every thread), and
// `pid` (-1: none, counted as 0). Fails if pid's /proc entry is unreadable.
double SelfCpuSeconds();
double ProcessCpuSeconds(pid_t pid);

// Whole-machine CPU seconds so far, from the first line of /proc/stat.
struct MachineCpu {
  double busy = 0;   // user, nice, system, irq, softirq: any process's
  double steal = 0;  // taken by the hypervisor from this VM
};
MachineCpu MachineCpuSeconds();

// Starts a stopwatch of wall time and CPU time for this process and `pid`.
class CpuMeter {
 public:
  explicit CpuMeter(pid_t pid = -1)
      : pid_(pid),
        start_(Clock::now()),
        self_(SelfCpuSeconds()),
        daemon_(ProcessCpuSeconds(pid)),
        machine_(MachineCpuSeconds()) {}

  // {"wall_s", "bench_cpu_cores", "daemon_cpu_cores", "other_cpu_cores",
  // "steal_cores"}: CPU seconds per wall second since construction (1.0 =
  // one core busy all along). other_cpu_cores is every other process on
  // the machine (and the kernel's interrupt work); daemon_cpu_cores is left
  // out without a pid.
  json Read() const;

 private:
  pid_t pid_;
  Clock::time_point start_;
  double self_, daemon_;
  MachineCpu machine_;
};

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_CPU_USAGE_H_
