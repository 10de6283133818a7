#include "bench/check/import_phase.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/check/cpu_usage.h"
#include "bench/check/measured_child.h"

namespace imeisync::bench {
namespace {

double Megabytes(uint64_t bytes) {
  return static_cast<double>(bytes) / (1 << 20);
}

uint64_t WriteCsv(const std::string& path,
                  const std::vector<std::string>& imeis) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::string chunk = "imei\n";
  uint64_t bytes = 0;
  for (const std::string& imei : imeis) {
    chunk += imei;
    chunk += '\n';
    if (chunk.size() >= (1 << 20)) {
      out << chunk;
      bytes += chunk.size();
      chunk.clear();
    }
  }
  out << chunk;
  bytes += chunk.size();
  if (!out.flush()) Fail("cannot write " + path);
  return bytes;
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::exception&) {
    Fail("import printed no JSON summary: \"" + ss.str() + "\"");
  }
}

}  // namespace

json ImportPhase(const std::string& cli, Member& node,
                 const std::vector<std::string>& imeis, uint64_t batch,
                 const std::string& work_dir) {
  const std::string csv = work_dir + "/import.csv";
  const uint64_t csv_bytes = WriteCsv(csv, imeis);
  const uint64_t registers_before = node.Status().registers();
  const uint64_t hwm_before = node.process().PeakRssBytes();
  uint64_t peak_anon = 0, peak_file = 0;
  const auto sample = [&] {
    peak_anon = std::max(peak_anon, node.process().RssAnonBytes());
    peak_file = std::max(peak_file, node.process().RssFileBytes());
  };
  sample();
  std::cerr << "check_bench: importing " << imeis.size() << " rows into a node"
            << " holding " << registers_before << " registers\n";
  const double daemon_cpu_before = ProcessCpuSeconds(node.process().pid());
  const CpuMeter cpu(node.process().pid());
  std::vector<std::string> argv = {
      cli,     "import",   "--config", node.dir().config, "--action",
      "block", "--reason", "stolen",   "--json"};
  if (batch > 0) argv.insert(argv.end(), {"--batch", std::to_string(batch)});
  argv.push_back(csv);
  const ChildRun run = RunMeasured(
      argv, work_dir + "/import.json", work_dir + "/import.log",
      std::chrono::seconds(600), std::chrono::milliseconds(50), sample);
  sample();
  const double daemon_cpu =
      ProcessCpuSeconds(node.process().pid()) - daemon_cpu_before;
  json cpu_used = cpu.Read();  // the CLI is among "other" here
  const uint64_t hwm_after = node.process().PeakRssBytes();
  const json summary = ReadJson(work_dir + "/import.json");
  if (summary.value("appended", uint64_t{0}) != imeis.size()) {
    Fail("import appended " + summary.value("appended", json()).dump() +
         " entries; expected " + std::to_string(imeis.size()));
  }
  const uint64_t registers_after = node.Status().registers();
  const double rate =
      run.seconds > 0 ? static_cast<double>(imeis.size()) / run.seconds : 0;
  const double peak_mb = Megabytes(std::max(hwm_after, run.peak_rss));
  return {
      {"rows", imeis.size()},
      {"csv_mb", Megabytes(csv_bytes)},
      {"batch", batch > 0 ? json(batch) : json("cli default")},
      {"registers_before", registers_before},
      {"registers_after", registers_after},
      {"seconds", run.seconds},
      {"imeis_per_s", rate},
      {"daemon_peak_rss_mb_before", Megabytes(hwm_before)},
      {"daemon_peak_rss_mb_after", Megabytes(hwm_after)},
      {"daemon_sampled_peak_rss_anon_mb", Megabytes(peak_anon)},
      {"daemon_sampled_peak_rss_file_mb", Megabytes(peak_file)},
      {"cli_peak_rss_mb", Megabytes(run.peak_rss)},
      {"cli_cpu_s", run.cpu_seconds},
      {"daemon_cpu_s", daemon_cpu},
      {"cpu", cpu_used},
      {"cli_summary", summary},
      {"goal_imeis_per_s", kImportGoalPerSecond},
      {"goal_peak_rss_mb", kImportGoalPeakRssMb},
      {"met", rate >= kImportGoalPerSecond && peak_mb <= kImportGoalPeakRssMb}};
}

}  // namespace imeisync::bench
