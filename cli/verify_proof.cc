// imeisync verify-proof --bundle bundle.toml PROOF.json [--json]
#include <ctime>
#include <memory>
#include <string>

#include "base/file_util.h"
#include "base/hex.h"
#include "cli/command.h"
#include "cli/output.h"
#include "node/federation/bundle.h"
#include "node/proofs/device_proof.h"
#include "node/proofs/proof_verifier.h"

namespace imeisync::cli {
namespace {

constexpr size_t kMaxProofBytes = 64 << 20;

struct VerifyProofArgs : JsonFlag {
  static constexpr const char* kJsonHelp = "print the result as one JSON line";

  std::string bundle;
  std::string proof;

  void Bind(CLI::App& c) {
    c.add_option("--bundle", bundle,
                 "the federation's bundle.toml (bundle.toml.sig beside it)")
        ->required();
    c.add_option("PROOF", proof, "the proof, from `imeisync prove`")
        ->required();
  }

  static constexpr const char* kName = "verify-proof";
  static constexpr const char* kHelp =
      "Check a device proof offline against the federation bundle and "
      "print the verdict it proves; exit 1 if any signature, hash or "
      "proof fails";
};

std::string UtcTime(uint64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Describe(const node::state::Register& r) {
  return std::string(node::ActionName(r.entry.action)) + " " +
         std::string(node::ReasonName(r.entry.reason)) + " by " + r.origin +
         " (entry " + std::to_string(r.index) + ", issued at " +
         std::to_string(r.entry.issued_at_ms) + " ms)";
}

void Print(bool json, const node::proofs::ProofFindings& f) {
  const std::string status(node::verdict::VerdictName(f.verdict));
  const std::string rule(node::verdict::RuleName(f.rule));
  if (json) {
    nlohmann::ordered_json origins = nlohmann::ordered_json::array();
    for (const auto& o : f.origins) {
      origins.push_back({{"origin", o.origin},
                         {"size", o.size},
                         {"checkpoint_size", o.checkpoint_size},
                         {"witnesses", o.witnesses}});
    }
    nlohmann::ordered_json regs = nlohmann::ordered_json::array();
    for (const auto& r : f.registers) {
      regs.push_back({{"origin", r.reg.origin},
                      {"index", r.reg.index},
                      {"action", node::ActionName(r.reg.entry.action)},
                      {"reason", node::ReasonName(r.reg.entry.reason)},
                      {"issued_at_ms", r.reg.entry.issued_at_ms},
                      {"witnessed", r.witnessed},
                      {"basis", r.basis}});
    }
    PrintJsonLine({{"valid", true},
                   {"status", status},
                   {"rule", rule},
                   {"tag", HexEncode(f.tag)},
                   {"node", f.node_id},
                   {"time_ms", f.head.time_ms},
                   {"state_root", HexEncode(f.head.state_root)},
                   {"keys", f.keys},
                   {"origins", origins},
                   {"registers", regs}});
    return;
  }
  std::string out = status + " (" + rule + ")\n";
  out += "  tag " + HexEncode(f.tag) + "\n";
  out += "  state head signed by " + f.head.node_origin + " at " +
         UtcTime(f.head.time_ms) + ", state root " +
         HexEncode(f.head.state_root) + "\n";
  for (const auto& o : f.origins) {
    std::string witnesses;
    for (const std::string& w : o.witnesses) {
      witnesses += (witnesses.empty() ? "" : ", ") + w;
    }
    out += "  origin " + o.origin + ": size " + std::to_string(o.size) +
           ", signed checkpoint " + std::to_string(o.checkpoint_size) +
           ", witnesses: " + (witnesses.empty() ? "none" : witnesses) + "\n";
  }
  out += "  " + std::to_string(f.keys) + " register keys checked, " +
         std::to_string(f.registers.size()) + " present\n";
  for (const auto& r : f.registers) {
    out += "    " + Describe(r.reg);
    if (r.basis) out += " [decides]";
    if (!r.witnessed) out += " [not yet witnessed: not counted]";
    out += "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

int Invalid(bool json, const Status& status) {
  if (json) PrintJsonLine({{"valid", false}, {"error", status.message()}});
  PrintError("verify-proof: invalid proof", status);
  return kExitInvalid;
}

Result<int> RunVerifyProof(const VerifyProofArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(node::federation::Bundle bundle,
                            node::federation::LoadSignedBundle(a.bundle));
  IMEISYNC_ASSIGN_OR_RETURN(std::string text,
                            ReadFile(a.proof, kMaxProofBytes));
  auto proof = node::proofs::DecodeDeviceProof(text);
  if (!proof.ok()) return Invalid(a.json, proof.status());
  auto found = node::proofs::VerifyDeviceProof(bundle, *proof);
  if (!found.ok()) return Invalid(a.json, found.status());
  Print(a.json, *found);
  return kExitOk;
}

}  // namespace

void AddVerifyProofCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunVerifyProof);
}

}  // namespace imeisync::cli
