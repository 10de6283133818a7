#include "bench/check/cpu_usage.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace imeisync::bench {
namespace {

double Seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return Seconds(u.ru_utime) + Seconds(u.ru_stime);
}

double ProcessCpuSeconds(pid_t pid) {
  if (pid <= 0) return 0;
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) Fail("cannot read " + path);
  // Fields after the command, which is in parentheses and may hold spaces:
  // state is field 3, utime 14 and stime 15 (proc(5)).
  const size_t close = line.rfind(')');
  if (close == std::string::npos) Fail("unexpected " + path + ": " + line);
  std::istringstream fields(line.substr(close + 2));
  std::string skip;
  for (int field = 3; field < 14; ++field) fields >> skip;
  unsigned long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) Fail("unexpected " + path + ": " + line);
  return static_cast<double>(utime + stime) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

MachineCpu MachineCpuSeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0,
                     irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >>
        softirq >> steal) ||
      cpu != "cpu") {
    Fail("unexpected /proc/stat");
  }
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return {static_cast<double>(user + nice + system + irq + softirq) / tick,
          static_cast<double>(steal) / tick};
}

json CpuMeter::Read() const {
  const double wall = SecondsSince(start_);
  const double self = SelfCpuSeconds() - self_;
  const double daemon = ProcessCpuSeconds(pid_) - daemon_;
  const MachineCpu machine = MachineCpuSeconds();
  const auto per_wall = [&](double cpu) { return wall > 0 ? cpu / wall : 0; };
  json out = {{"wall_s", wall}, {"bench_cpu_cores", per_wall(self)}};
  if (pid_ > 0) out["daemon_cpu_cores"] = per_wall(daemon);
  // Sampled at different moments and in ticks: clamp the small negatives.
  out["other_cpu_cores"] =
      std::max(0.0, per_wall(machine.busy - machine_.busy - self - daemon));
  out["steal_cores"] = per_wall(machine.steal - machine_.steal);
  return out;
}

}  // namespace imeisync::bench
