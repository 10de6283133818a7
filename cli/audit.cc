// imeisync audit --config AUDITOR/node.toml --state-dir DIR
//                [--node [ID@]HOST:PORT ...] [--deep] [--no-cosign] [--json]
//
// Fetches every origin's checkpoint and the signed state head from each
// node, checks them against each other and against DIR's memory of earlier
// runs (node/auditor/audit.h), cosigns what passed and announces the
// cosignatures. Needs no running daemon: only the auditor's node dir (its
// key, TLS identity and bundle). Exit 0 if everything holds, 1 on any
// violation (each listed), 2 on usage errors.
#include "node/auditor/audit.h"

#include <unistd.h>

#include <chrono>
#include <iostream>

#include "base/base64.h"
#include "base/clock.h"
#include "base/file_util.h"
#include "cli/command.h"
#include "cli/output.h"
#include "crypto/cosignature.h"
#include "node/auditor/audit_memory.h"
#include "node/auditor/node_source.h"
#include "node/federation/bundle.h"
#include "node/federation/node_config.h"
#include "node/federation/origin_name.h"
#include "node/rpc/tls.h"

namespace imeisync::cli {
namespace {

using Json = nlohmann::ordered_json;
using node::auditor::AuditReport;

struct AuditArgs : JsonFlag {
  static constexpr const char* kJsonHelp =
      "print the report as one JSON object";

  std::string config;
  std::string state_dir;
  std::vector<std::string> nodes;
  bool deep = false;
  bool no_cosign = false;
  uint32_t timeout_s = 10;

  void Bind(CLI::App& c) {
    c.add_option("--config", config,
                 "the auditor's node.toml (from federation add-member --role "
                 "auditor)")
        ->required();
    c.add_option("--state-dir", state_dir,
                 "where the auditor remembers checkpoints between runs")
        ->required();
    c.add_option("--node", nodes,
                 "a node to audit, [ID@]HOST:PORT; repeatable (default: every "
                 "member with an endpoint)");
    c.add_flag("--deep", deep,
               "also replay every node's logs and recompute its state root");
    c.add_flag("--no-cosign", no_cosign,
               "check only; do not cosign or announce");
    c.add_option("--timeout", timeout_s, "seconds per call (default 10)")
        ->check(CLI::Range(1, 3600));
  }

  static constexpr const char* kName = "audit";
  static constexpr const char* kHelp =
      "Check every node's checkpoints, cosignatures and state heads against "
      "each other and earlier audits; find split views; cosign what holds";
};

struct Target {
  std::string id;
  std::string endpoint;
};

// "[ID@]HOST:PORT": without an id, the member whose bundle endpoint it is.
Result<Target> ParseTarget(const std::string& arg,
                           const node::federation::Bundle& bundle) {
  const size_t at = arg.find('@');
  if (at != std::string::npos) {
    Target t{arg.substr(0, at), arg.substr(at + 1)};
    if (bundle.FindMember(t.id) == nullptr) {
      return InvalidArgument("--node " + arg + ": " + t.id +
                             " is not a member of the bundle");
    }
    return t;
  }
  for (const node::federation::Member& m : bundle.members) {
    if (m.endpoint == arg) return Target{m.id, arg};
  }
  return InvalidArgument("--node " + arg +
                         ": no member of the bundle has this endpoint; "
                         "write ID@HOST:PORT");
}

std::string B64(const Hash32& h) { return Base64Encode(h); }

Json NodeJson(const node::auditor::NodeSummary& n) {
  Json j;
  j["id"] = n.id;
  j["reachable"] = n.reachable;
  j["checkpoints"] = n.origins;
  j["state_root"] = n.state_root ? Json(B64(*n.state_root)) : Json();
  j["state_head_time_ms"] = n.state_head_time_ms;
  if (n.replayed_root) j["replayed_root"] = B64(*n.replayed_root);
  return j;
}

Json OriginJson(const node::auditor::OriginSummary& o) {
  return {{"origin", o.origin},
          {"size", o.size},
          {"root", B64(o.root)},
          {"served_by", o.served_by},
          {"witnesses", o.witnesses},
          {"cosigned_now", o.cosigned_now},
          {"nodes_behind", o.nodes_behind}};
}

Json ViolationJson(const node::auditor::Violation& v) {
  return {{"kind", v.kind},
          {"node", v.node},
          {"origin", v.origin},
          {"detail", v.detail},
          {"evidence", v.evidence}};
}

Json ToJson(const AuditReport& r, const std::string& state_dir) {
  Json out;
  out["ok"] = r.violations.empty();
  out["state_dir"] = state_dir;
  out["nodes"] = JsonArray(r.nodes, NodeJson);
  out["origins"] = JsonArray(r.origins, OriginJson);
  out["consistency_proofs"] = r.consistency_proofs;
  out["cosigned"] = r.cosigned_notes.size();
  out["violations"] = JsonArray(r.violations, ViolationJson);
  return out;
}

std::string ToText(const AuditReport& r) {
  std::string out;
  size_t reachable = 0;
  for (const auto& n : r.nodes) reachable += n.reachable ? 1 : 0;
  out += "audited " + std::to_string(reachable) + " of " +
         std::to_string(r.nodes.size()) + " nodes, " +
         std::to_string(r.origins.size()) + " origins, " +
         std::to_string(r.consistency_proofs) + " consistency proofs\n";
  for (const auto& o : r.origins) {
    out += "  " + o.origin + " size " + std::to_string(o.size) + " root " +
           B64(o.root) + " witnesses " + std::to_string(o.witnesses.size()) +
           (o.cosigned_now ? " (cosigned now)" : "") +
           (o.nodes_behind ? " (every node is behind an earlier audit)" : "") +
           "\n";
  }
  for (const auto& n : r.nodes) {
    if (!n.reachable) continue;
    out += "  node " + n.id + " state root " +
           (n.state_root ? B64(*n.state_root) : std::string("(unverified)"));
    if (n.replayed_root) {
      out += *n.replayed_root == n.state_root ? " (replayed: equal)"
                                              : " (replayed: DIFFERENT)";
    }
    out += "\n";
  }
  if (r.violations.empty()) {
    out += "OK: every signature, cosignature and proof checks out";
    return out;
  }
  out += std::to_string(r.violations.size()) + " VIOLATION" +
         (r.violations.size() == 1 ? "" : "S") + ":\n";
  for (const auto& v : r.violations) {
    out += "- [" + v.kind + "] " + v.detail + "\n";
    for (const std::string& note : v.evidence) {
      out += "  evidence, verbatim:\n";
      size_t start = 0;
      while (start < note.size()) {
        size_t end = note.find('\n', start);
        if (end == std::string::npos) end = note.size();
        out += "    | " + note.substr(start, end - start) + "\n";
        start = end + 1;
      }
    }
  }
  out.pop_back();
  return out;
}

// What the auditor's node dir holds: its config, the bundle it is a member
// of, its TLS identity and the key it cosigns with.
struct Auditor {
  node::federation::NodeConfig config;
  node::federation::Bundle bundle;
  node::rpc::TlsMaterial tls;
  crypto::Cosigner cosigner;
};

Result<Auditor> LoadAuditor(const std::string& config_path) {
  IMEISYNC_ASSIGN_OR_RETURN(auto config,
                            node::federation::LoadNodeConfig(config_path));
  IMEISYNC_ASSIGN_OR_RETURN(auto bundle,
                            node::federation::LoadSignedBundle(config.bundle));
  if (bundle.FindMember(config.id) == nullptr) {
    return FailedPrecondition(config.id + " is not a member of " +
                              config.bundle);
  }
  IMEISYNC_ASSIGN_OR_RETURN(auto tls, node::rpc::LoadTlsMaterial(config));
  IMEISYNC_ASSIGN_OR_RETURN(
      auto key, crypto::Ed25519PrivateKey::LoadPem(config.signing_key));
  IMEISYNC_ASSIGN_OR_RETURN(
      auto cosigner, crypto::Cosigner::Create(node::federation::OriginName(
                                                  bundle.federation, config.id),
                                              std::move(key)));
  return Auditor{std::move(config), std::move(bundle), std::move(tls),
                 std::move(cosigner)};
}

// The nodes of --node, or else every other member with an endpoint.
Result<std::vector<Target>> ChooseTargets(
    const std::vector<std::string>& nodes,
    const node::federation::Bundle& bundle, const std::string& self_id) {
  std::vector<Target> targets;
  for (const std::string& n : nodes) {
    IMEISYNC_ASSIGN_OR_RETURN(Target t, ParseTarget(n, bundle));
    targets.push_back(std::move(t));
  }
  if (targets.empty()) {
    for (const node::federation::Member& m : bundle.members) {
      if (m.id != self_id && !m.endpoint.empty()) {
        targets.push_back({m.id, m.endpoint});
      }
    }
  }
  if (targets.empty()) {
    return InvalidArgument(
        "no node to audit: the bundle lists no endpoint; give --node");
  }
  return targets;
}

node::auditor::AuditOptions OptionsOf(const AuditArgs& a) {
  node::auditor::AuditOptions options;
  options.deep = a.deep;
  options.cosign = !a.no_cosign;
  options.now_s = UnixMillis() / 1000;
  options.scratch = a.state_dir + "/replay." + std::to_string(::getpid());
  options.progress = [](const std::string& line) {
    std::cerr << "imeisync audit: " << line << "\n";
  };
  return options;
}

Result<int> RunAuditCommand(const AuditArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(Auditor auditor, LoadAuditor(a.config));
  IMEISYNC_ASSIGN_OR_RETURN(
      std::vector<Target> targets,
      ChooseTargets(a.nodes, auditor.bundle, auditor.config.id));
  IMEISYNC_ASSIGN_OR_RETURN(node::auditor::AuditDir dir,
                            node::auditor::AuditDir::Open(a.state_dir));
  IMEISYNC_ASSIGN_OR_RETURN(node::auditor::AuditMemory memory,
                            dir.Load(auditor.bundle.federation));

  std::vector<std::unique_ptr<node::auditor::GrpcNodeSource>> sources;
  std::vector<node::auditor::NodeSource*> pointers;
  for (const Target& t : targets) {
    sources.push_back(std::make_unique<node::auditor::GrpcNodeSource>(
        auditor.tls, t.id, t.endpoint, std::chrono::seconds(a.timeout_s)));
    pointers.push_back(sources.back().get());
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      AuditReport report,
      node::auditor::RunAudit(auditor.bundle, pointers, auditor.config.id,
                              auditor.cosigner, OptionsOf(a), memory));
  // The witness remembers what it cosigned before anyone sees it.
  IMEISYNC_RETURN_IF_ERROR(dir.Save(memory));
  if (!report.cosigned_notes.empty()) {
    for (auto& s : sources) {
      Status sent = s->Announce(report.cosigned_notes);
      if (!sent.ok()) {
        std::cerr << "imeisync audit: cosignatures not delivered: "
                  << sent.message() << "\n";
      }
    }
  }
  PrintResult(a.json, ToJson(report, a.state_dir), ToText(report));
  return report.violations.empty() ? kExitOk : kExitInvalid;
}

}  // namespace

void AddAuditCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunAuditCommand);
}

}  // namespace imeisync::cli
