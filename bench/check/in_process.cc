#include "bench/check/in_process.h"

#include <algorithm>
#include <future>
#include <iostream>

#include "base/clock.h"

namespace imeisync::bench {
namespace {

using node::core::CheckRequest;
using node::core::CheckResult;

double Rate(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

// One thread's loop: batches of consecutive requests from `first`.
LoadResult CheckLoop(const node::core::DeviceChecks& checks,
                     const std::vector<CheckRequest>& requests,
                     const Workload& workload, size_t first, size_t batch,
                     LoadWindow window) {
  LoadResult r;
  r.seconds = window.seconds();
  size_t next = first;
  const uint64_t max_batches = kMaxRequestsPerClient / batch + 1;
  for (uint64_t b = 0; b < max_batches && !g_interrupted; ++b) {
    const auto start = Clock::now();
    if (start >= window.until) break;
    if (next + batch > requests.size()) next = 0;
    auto results = checks.Check({requests.data() + next, batch}, UnixMillis());
    const auto end = Clock::now();
    if (!results.ok()) Fail("Check: " + results.status().ToString());
    if (start >= window.measure_from) {
      for (size_t i = 0; i < batch; ++i) {
        const CheckResult& c = (*results)[i];
        const bool blocked =
            c.status.ok() && c.verdict == node::verdict::Verdict::kBlacklisted;
        if (!c.status.ok()) {
          ++r.errors;
        } else if (blocked == (workload.blocked[next + i] != 0)) {
          ++r.right;
        } else {
          ++r.wrong;
        }
      }
      r.latency_ns.push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - start)
              .count()));
    }
    next += batch;
  }
  return r;
}

}  // namespace

json FillOwnLog(node::core::Node& node, ImeiSequence& imeis, uint64_t n,
                size_t sample, std::vector<std::string>* sampled) {
  std::cerr << "check_bench: blocking " << n << " IMEIs in process\n";
  const uint64_t stride =
      std::max<uint64_t>(1, n / std::max<size_t>(1, sample));
  std::vector<node::core::SubmitItem> items;
  const auto start = Clock::now();
  for (uint64_t done = 0; done < n;) {
    if (g_interrupted) Fail("interrupted while filling the node");
    const size_t count =
        static_cast<size_t>(std::min<uint64_t>(kFillBatch, n - done));
    items.clear();
    for (std::string& imei : imeis.Take(count)) {
      items.push_back({std::move(imei), node::Reason::kStolen, 0});
    }
    auto r = node.own_log().Submit(node::Action::kBlock, items,
                                   /*skip_existing=*/false);
    if (!r.ok()) Fail("Submit: " + r.status().ToString());
    for (size_t i = 0; i < count; ++i) {
      if ((done + i) % stride == 0 && sampled->size() < sample) {
        sampled->push_back(items[i].imei);
      }
    }
    done += r->count;
    if (r->count != count) Fail("Submit appended fewer entries than sent");
  }
  const double seconds = SecondsSince(start);
  return {{"entries", n},
          {"batch", kFillBatch},
          {"seconds", seconds},
          {"entries_per_s", Rate(n, seconds)}};
}

json CheckAllOnce(const node::core::DeviceChecks& checks,
                  const Workload& workload, size_t batch) {
  std::vector<CheckRequest> requests;
  for (const std::string& imei : workload.imeis) requests.push_back({imei, ""});
  const auto start = Clock::now();
  for (size_t first = 0; first < requests.size(); first += batch) {
    if (g_interrupted) Fail("interrupted during the first pass");
    const size_t count = std::min(batch, requests.size() - first);
    auto results = checks.Check({requests.data() + first, count}, UnixMillis());
    if (!results.ok()) Fail("Check: " + results.status().ToString());
    for (size_t i = 0; i < count; ++i) {
      const CheckResult& c = (*results)[i];
      const bool blocked = c.verdict == node::verdict::Verdict::kBlacklisted;
      if (!c.status.ok() || blocked != (workload.blocked[first + i] != 0)) {
        Fail("in-process check gave a wrong verdict");
      }
    }
  }
  const double seconds = SecondsSince(start);
  return {{"verdicts", requests.size()},
          {"seconds", seconds},
          {"verdicts_per_s", Rate(requests.size(), seconds)}};
}

LoadResult CheckInProcess(const node::core::DeviceChecks& checks,
                          const Workload& workload, int threads, size_t batch,
                          LoadWindow window) {
  if (batch == 0 || batch > workload.size()) {
    Fail("check batch must be 1 to the workload's size");
  }
  // Built once, outside the timed loop: the strings are copied here.
  std::vector<CheckRequest> requests;
  requests.reserve(workload.size());
  for (const std::string& imei : workload.imeis) requests.push_back({imei, ""});
  std::vector<std::future<LoadResult>> running;
  for (int t = 0; t < threads; ++t) {
    // Threads start far apart in the workload, so they share no batches.
    const size_t first = (workload.size() / static_cast<size_t>(threads)) *
                         static_cast<size_t>(t);
    running.push_back(std::async(std::launch::async, [&, first] {
      return CheckLoop(checks, requests, workload, first, batch, window);
    }));
  }
  LoadResult total;
  for (auto& f : running) total.Merge(f.get());
  return total;
}

}  // namespace imeisync::bench
