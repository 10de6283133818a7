// imeisync prove --config node.toml (--imei X | --tag T) [--out FILE] [--json]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <memory>
#include <string>

#include "base/file_util.h"
#include "base/hex.h"
#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/hex_args.h"
#include "cli/output.h"
#include "node/proofs/device_proof.h"

namespace imeisync::cli {
namespace {

struct ProveArgs : JsonFlag {
  static constexpr const char* kJsonHelp =
      "print the summary (with --out) as JSON";

  std::string config;
  std::string imei;
  std::string tag;
  std::string out;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    CLI::Option* by_imei =
        c.add_option("--imei", imei, "the device, any IMEI form");
    by_imei->excludes(
        c.add_option("--tag", tag, "or the device's tag, 64 hex characters"));
    c.add_option("--out", out,
                 "write the proof here and print a summary; default: the "
                 "proof on stdout");
  }

  static constexpr const char* kName = "prove";
  static constexpr const char* kHelp =
      "Ask this node for a proof of what its state says about one "
      "device: its signed state head, a proof for every register key "
      "the device can have, and the signed checkpoints they lead to "
      "(docs/audit.md)";
};

Result<int> RunProve(const ProveArgs& a) {
  if (a.imei.empty() == a.tag.empty()) {
    return InvalidArgument("give exactly one of --imei, --tag");
  }
  v1::ProveRequest request;
  if (!a.tag.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 tag, ParseHashArg("--tag", a.tag));
    request.set_tag(std::string(AsChars(tag)));
  } else {
    request.set_imei(a.imei);
  }
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  auto stub = v1::Audit::NewStub(client.channel);
  v1::ProveResponse response;
  grpc::Status s = UnaryCall(*stub, &v1::Audit::Stub::Prove, request, &response,
                             std::chrono::seconds(30));
  if (!s.ok()) return ReportFailedCall("prove", s);
  const std::string& doc = response.proof_json();
  if (a.out.empty()) {
    std::string line = doc + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitUsage;
  }
  auto proof = node::proofs::DecodeDeviceProof(doc);
  if (!proof.ok()) {
    PrintError("prove", Internal("the node sent a malformed proof: " +
                                 proof.status().message()));
    return kExitInvalid;
  }
  IMEISYNC_RETURN_IF_ERROR(
      WriteFileAtomic(a.out, AsBytes(doc + "\n"), 0644, Overwrite::kYes));
  size_t present = 0;
  for (const auto& o : proof->origins) {
    for (const auto& slot : o.slots) present += slot.reg ? 1 : 0;
  }
  const size_t keys = proof->origins.size() * node::proofs::kSlotsPerOrigin;
  const std::string status(node::verdict::VerdictName(proof->verdict));
  const std::string rule(node::verdict::RuleName(proof->rule));
  PrintResult(a.json,
              {{"out", a.out},
               {"tag", HexEncode(proof->tag)},
               {"status", status},
               {"rule", rule},
               {"origins", proof->origins.size()},
               {"keys", keys},
               {"registers", present},
               {"bytes", doc.size() + 1}},
              "wrote " + a.out + ": tag " + HexEncode(proof->tag) + " " +
                  status + " (" + rule + "), " + std::to_string(present) +
                  " of " + std::to_string(keys) + " register keys present, " +
                  std::to_string(doc.size() + 1) + " bytes");
  return kExitOk;
}

}  // namespace

void AddProveCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunProve);
}

}  // namespace imeisync::cli
