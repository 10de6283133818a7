#include "node/rpc/node_metrics.h"

#include <algorithm>
#include <map>

namespace imeisync::node::rpc {
namespace {

using http::Label;
using http::PrometheusWriter;

constexpr std::array<const char*, 4> kCheckLabels = {
    "WHITELISTED", "GREYLISTED", "BLACKLISTED", "INVALID"};

}  // namespace

void NodeMetrics::ObserveCheck(const core::CheckResult& result,
                               double seconds) {
  const size_t i = result.status.ok() ? static_cast<size_t>(result.verdict) : 3;
  checks_[i].fetch_add(1, std::memory_order_relaxed);
  latency_.Observe(seconds);
}

namespace {

// oprf mode: budgets on the evaluator, the tag cache elsewhere.
void RenderOprf(PrometheusWriter& w, const v1::OprfStatus& o) {
  if (o.evaluator()) {
    w.Family("imeisync_oprf_evaluations", "gauge",
             "Blinded evaluations answered for each member in the current "
             "epoch (persisted: survives restarts).");
    for (const v1::OprfUsage& u : o.usage()) {
      w.Sample("imeisync_oprf_evaluations",
               {{"member", u.member()}, {"epoch", std::to_string(o.epoch())}},
               uint64_t{u.used()});
    }
    w.Family("imeisync_oprf_budget_remaining", "gauge",
             "Blinded evaluations each member may still ask for this epoch.");
    for (const v1::OprfUsage& u : o.usage()) {
      w.Sample("imeisync_oprf_budget_remaining",
               {{"member", u.member()}, {"epoch", std::to_string(o.epoch())}},
               uint64_t{u.used() >= u.budget() ? 0 : u.budget() - u.used()});
    }
    return;
  }
  w.Gauge("imeisync_oprf_tag_cache_entries",
          "Device tags cached from the OPRF evaluator, all epochs.",
          static_cast<double>(o.cache_entries()));
  w.Counter("imeisync_oprf_tag_cache_hits_total",
            "Tag lookups the cache answered.", o.cache_hits());
  w.Counter("imeisync_oprf_tag_cache_misses_total",
            "Distinct devices whose tag was asked of the evaluator.",
            o.cache_misses());
}

// Replication lag and rejected batches, by peer.
void RenderPeers(PrometheusWriter& w, const v1::NodeStatus& status,
                 int64_t now_ms) {
  w.Family("imeisync_peer_last_sync_age_seconds", "gauge",
           "Replication lag: seconds since the last successful sync round "
           "with the peer; -1 if there has been none.");
  for (const v1::PeerStatus& p : status.peers()) {
    const double age =
        p.last_sync_ms() > 0
            ? static_cast<double>(now_ms - p.last_sync_ms()) / 1e3
            : -1.0;
    w.Sample("imeisync_peer_last_sync_age_seconds", {{"peer", p.id()}}, age);
  }
  w.Family("imeisync_peer_rejected_batches_total", "counter",
           "Batches from the peer that failed verification.");
  for (const v1::PeerStatus& p : status.peers()) {
    w.Sample("imeisync_peer_rejected_batches_total", {{"peer", p.id()}},
             uint64_t{p.rejected_batches()});
  }
}

// The export logs this node keeps, by link.
void RenderExports(PrometheusWriter& w, const v1::NodeStatus& status) {
  struct Gauge {
    const char* name;
    const char* help;
    uint64_t (*value)(const v1::ExportLogStatus&);
  };
  static constexpr Gauge kGauges[] = {
      {"imeisync_export_pending_entries",
       "Export lag: domestic entries held here that the link's export "
       "log has not read yet.",
       [](const v1::ExportLogStatus& e) -> uint64_t {
         return e.pending_entries();
       }},
      {"imeisync_export_unsigned_entries",
       "Export log entries no signed checkpoint covers yet.",
       [](const v1::ExportLogStatus& e) -> uint64_t {
         return e.size() - std::min(e.size(), e.signed_size());
       }},
      {"imeisync_export_log_entries", "Entries in each link's export log.",
       [](const v1::ExportLogStatus& e) -> uint64_t { return e.size(); }},
      {"imeisync_exported_devices",
       "(device, reason) pairs each link is exported now.",
       [](const v1::ExportLogStatus& e) -> uint64_t { return e.exported(); }},
  };
  for (const Gauge& g : kGauges) {
    w.Family(g.name, "gauge", g.help);
    for (const v1::ExportLogStatus& e : status.exports()) {
      w.Sample(g.name, {{"link", e.link()}}, g.value(e));
    }
  }
}

}  // namespace

std::string NodeMetrics::Render(const v1::NodeStatus& status,
                                int64_t now_ms) const {
  std::string out;
  out.reserve(4096);
  PrometheusWriter w(out);
  w.Family("imeisync_log_entries", "gauge",
           "Entries this node holds of each origin's log.");
  for (const v1::OriginHead& o : status.frontier()) {
    w.Sample("imeisync_log_entries", {{"origin", o.origin()}},
             uint64_t{o.size()});
  }
  w.Gauge("imeisync_registers", "Registers in the folded state.",
          static_cast<double>(status.registers()));
  w.Family("imeisync_checks_total", "counter",
           "Device checks answered (gRPC and HTTP), by verdict; INVALID for "
           "malformed requests.");
  for (size_t i = 0; i < kCheckLabels.size(); ++i) {
    w.Sample("imeisync_checks_total", {{"status", kCheckLabels[i]}},
             checks_[i].load(std::memory_order_relaxed));
  }
  latency_.Write(out, "imeisync_check_duration_seconds",
                 "Time to decide one device check, in seconds.");
  RenderPeers(w, status, now_ms);
  w.Family("imeisync_rejected_entries_total", "counter",
           "Entries the bundle's policy refused, by origin and reason.");
  for (const v1::RejectionCount& r : status.rejected()) {
    const std::string reason = v1::Reason_Name(r.reason());
    w.Sample("imeisync_rejected_entries_total",
             {{"origin", r.origin()}, {"reason", reason}}, uint64_t{r.count()});
  }
  w.Counter("imeisync_divergences_total",
            "Peers seen with this node's frontier but another state root.",
            status.divergence_count());
  w.Family("imeisync_evidence", "gauge",
           "1 for each origin frozen on evidence of equivocation.");
  for (const v1::EvidenceSummary& e : status.evidence()) {
    w.Sample("imeisync_evidence", {{"origin", e.origin()}}, uint64_t{1});
  }
  w.Gauge("imeisync_local_pairs", "Local-only IMEI-IMSI exception pairs.",
          static_cast<double>(status.local_pairs()));
  w.Gauge("imeisync_local_first_seen", "Local-only first-seen records.",
          static_cast<double>(status.local_first_seen()));
  if (status.has_oprf()) RenderOprf(w, status.oprf());
  if (status.exports_size() > 0) RenderExports(w, status);
  return out;
}

}  // namespace imeisync::node::rpc
