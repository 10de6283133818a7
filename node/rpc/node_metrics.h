// What /metrics serves: the node's counters and gauges in Prometheus text
// format. Check counters live here (every check path reports to
// ObserveCheck()); the rest is read from a NodeStatus at scrape time.
//
// Families (all prefixed imeisync_), type, meaning:
//   log_entries{origin}          gauge      entries held per origin log
//   registers                    gauge      registers in the state
//   checks_total{status}         counter    checks answered, by verdict
//                                           ("INVALID" for malformed)
//   check_duration_seconds       histogram  time to decide one check
//   peer_last_sync_age_seconds{peer}
//                                gauge      replication lag: seconds since
//                                           the last good round (-1 never)
//   peer_rejected_batches_total{peer}
//                                counter    batches that failed verification
//   rejected_entries_total{origin,reason}
//                                counter    entries the policy refused
//   divergences_total            counter    equal frontiers, unequal roots
//   evidence{origin}             gauge      1 for a frozen, equivocating origin
//   local_pairs                  gauge      local-only records
//   local_first_seen             gauge      local-only records
// oprf mode, on the OPRF evaluator:
//   oprf_evaluations{member,epoch}
//                                gauge      evaluations answered this epoch
//   oprf_budget_remaining{member,epoch}
//                                gauge      evaluations left this epoch
// oprf mode, on the other members:
//   oprf_tag_cache_entries       gauge      tags cached, all epochs
//   oprf_tag_cache_hits_total    counter    lookups the cache answered
//   oprf_tag_cache_misses_total  counter    devices asked of the evaluator
#ifndef IMEISYNC_NODE_RPC_NODE_METRICS_H_
#define IMEISYNC_NODE_RPC_NODE_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "node/core/device_checks.h"
#include "node/http/metrics.h"
#include "proto/imeisync.pb.h"

namespace imeisync::node::rpc {

class NodeMetrics {
 public:
  // Thread-safe and lock-free.
  void ObserveCheck(const core::CheckResult& result, double seconds);

  // The /metrics page for `status` (taken just before), at `now_ms`.
  std::string Render(const v1::NodeStatus& status, int64_t now_ms) const;

 private:
  // WHITELISTED, GREYLISTED, BLACKLISTED, INVALID.
  std::array<std::atomic<uint64_t>, 4> checks_{};
  http::LatencyHistogram latency_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_NODE_METRICS_H_
