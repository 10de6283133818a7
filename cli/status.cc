// imeisync status --config node.toml [--json]
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/hex.h"
#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/output.h"
#include "node/entry.h"
#include "node/rpc/grpc_status.h"

namespace imeisync::cli {
namespace {

struct StatusArgs : JsonFlag {
  static constexpr const char* kJsonHelp =
      "print the status as one JSON object";

  std::string config;

  void Bind(CLI::App& c) { AddConfigOption(c, config); }

  static constexpr const char* kName = "status";
  static constexpr const char* kHelp =
      "Show a running node's frontier, state root, peers, rejected "
      "entries, evidence and divergences";
};

std::string Hex(const std::string& bytes) { return HexEncode(AsBytes(bytes)); }

using Json = nlohmann::ordered_json;

Json PeerJson(const v1::PeerStatus& p) {
  return {{"id", p.id()},
          {"endpoint", p.endpoint()},
          {"last_sync_ms", p.last_sync_ms()},
          {"last_error", p.last_error()},
          {"rejected_batches", p.rejected_batches()},
          {"entries_applied", p.entries_applied()},
          {"bytes_out", p.bytes_out()},
          {"bytes_in", p.bytes_in()},
          {"calls", p.calls()}};
}

std::string ReasonOf(const v1::RejectionCount& r) {
  return std::string(node::ReasonName(static_cast<node::Reason>(r.reason())));
}

Json OprfJson(const v1::OprfStatus& o) {
  Json oprf = {{"epoch", o.epoch()}, {"evaluator", o.evaluator()}};
  if (o.evaluator()) {
    oprf["usage"] = JsonArray(o.usage(), [](const v1::OprfUsage& u) -> Json {
      return {
          {"member", u.member()}, {"used", u.used()}, {"budget", u.budget()}};
    });
  } else {
    oprf["cache_entries"] = o.cache_entries();
    oprf["cache_hits"] = o.cache_hits();
    oprf["cache_misses"] = o.cache_misses();
  }
  return oprf;
}

Json ExportJson(const v1::ExportLogStatus& e) {
  return {{"link", e.link()},
          {"origin", e.origin()},
          {"size", e.size()},
          {"signed_size", e.signed_size()},
          {"pending_entries", e.pending_entries()},
          {"exported", e.exported()},
          {"last_error", e.last_error()}};
}

Json ToJson(const v1::NodeStatus& s) {
  Json j;
  j["node_id"] = s.node_id();
  j["role"] = s.role();
  j["federation"] = s.federation();
  j["bundle_version"] = s.bundle_version();
  Json frontier = Json::object();
  for (const v1::OriginHead& h : s.frontier()) {
    frontier[h.origin()] = {{"size", h.size()},
                            {"root", Hex(h.root())},
                            {"frozen", h.frozen()},
                            {"checkpoint", h.checkpoint().note()}};
  }
  j["frontier"] = frontier;
  j["state_root"] = Hex(s.state_root());
  j["registers"] = s.registers();
  j["local_pairs"] = s.local_pairs();
  j["local_first_seen"] = s.local_first_seen();
  j["peers"] = JsonArray(s.peers(), PeerJson);
  j["rejected"] = JsonArray(s.rejected(), [](const v1::RejectionCount& r) {
    return Json{
        {"origin", r.origin()}, {"reason", ReasonOf(r)}, {"count", r.count()}};
  });
  j["evidence"] = JsonArray(s.evidence(), [](const v1::EvidenceSummary& e) {
    return Json{{"origin", e.origin()},
                {"first_note", e.first_note()},
                {"second_note", e.second_note()}};
  });
  j["divergences"] = JsonArray(s.divergences(), [](const v1::Divergence& d) {
    return Json{{"peer", d.peer()},
                {"at_ms", d.at_ms()},
                {"differing_keys", d.differing_keys()},
                {"our_root", Hex(d.our_root())},
                {"their_root", Hex(d.their_root())}};
  });
  j["divergence_count"] = s.divergence_count();
  j["state_head"] = s.state_head();
  if (s.has_oprf()) j["oprf"] = OprfJson(s.oprf());
  j["exports"] = JsonArray(s.exports(), ExportJson);
  return j;
}

std::string ToText(const v1::NodeStatus& s) {
  std::string out = s.node_id() + " (" + s.role() + ") of federation " +
                    s.federation() + ", bundle version " +
                    std::to_string(s.bundle_version()) + "\n";
  out += "state root " + Hex(s.state_root()) + ", " +
         std::to_string(s.registers()) + " registers\n";
  if (s.local_pairs() + s.local_first_seen() > 0) {
    out += "local-only: " + std::to_string(s.local_pairs()) + " pairs, " +
           std::to_string(s.local_first_seen()) + " first-seen records\n";
  }
  if (s.has_oprf()) {
    const v1::OprfStatus& o = s.oprf();
    if (o.evaluator()) {
      out += "OPRF evaluator, epoch " + std::to_string(o.epoch()) + ":";
      for (const v1::OprfUsage& u : o.usage()) {
        out += " " + u.member() + " " + std::to_string(u.used()) + "/" +
               std::to_string(u.budget());
      }
      out += "\n";
    } else {
      out += "OPRF tags cached: " + std::to_string(o.cache_entries()) +
             " (epoch " + std::to_string(o.epoch()) + "; " +
             std::to_string(o.cache_hits()) + " hits, " +
             std::to_string(o.cache_misses()) + " asked of the evaluator)\n";
    }
  }
  for (const v1::ExportLogStatus& e : s.exports()) {
    out += "export to " + e.link() + ": " + std::to_string(e.exported()) +
           " devices exported, log " + std::to_string(e.size()) + " entries (" +
           std::to_string(e.signed_size()) + " signed), " +
           std::to_string(e.pending_entries()) + " domestic entries pending" +
           (e.last_error().empty() ? "" : "; STUCK: " + e.last_error()) + "\n";
  }
  for (const v1::OriginHead& h : s.frontier()) {
    out += "  log " + h.origin() + ": " + std::to_string(h.size()) +
           " entries" + (h.frozen() ? " FROZEN (equivocation)" : "") + "\n";
  }
  for (const v1::PeerStatus& p : s.peers()) {
    out += "  peer " + p.id() + " at " + p.endpoint() + ": " +
           (p.last_error().empty() ? "ok" : "error: " + p.last_error()) + "\n";
  }
  for (const v1::RejectionCount& r : s.rejected()) {
    out += "  rejected " + std::to_string(r.count()) + " " + ReasonOf(r) +
           " entries of " + r.origin() + "\n";
  }
  for (const v1::EvidenceSummary& e : s.evidence()) {
    out += "  EVIDENCE of equivocation by " + e.origin() + "\n";
  }
  if (s.divergence_count() > 0) {
    out += "  DIVERGENCES: " + std::to_string(s.divergence_count()) + "\n";
  }
  out.pop_back();
  return out;
}

Result<int> RunStatus(const StatusArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  v1::NodeStatus reply;
  grpc::Status s =
      UnaryCall(*client.stub, &v1::Admin::Stub::Status, v1::StatusRequest(),
                &reply, std::chrono::seconds(30));
  // status reports; it has nothing to refuse, so any failure is kExitUsage.
  if (!s.ok()) return node::rpc::FromGrpc(s);
  PrintResult(a.json, ToJson(reply), ToText(reply));
  return kExitOk;
}

}  // namespace

void AddStatusCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunStatus);
}

}  // namespace imeisync::cli
