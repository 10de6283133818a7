// imeisync check --config node.toml IMEI... [--imsi X] [--json]
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/output.h"

namespace imeisync::cli {
namespace {

struct CheckArgs : JsonFlag {
  static constexpr const char* kJsonHelp = "print one JSON line per IMEI";

  std::string config;
  std::vector<std::string> imeis;
  std::string imsi;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    c.add_option("IMEI", imeis, "IMEIs, in any accepted form")->required();
    c.add_option("--imsi", imsi,
                 "the subscriber using the device(s), for local pairings");
  }

  static constexpr const char* kName = "check";
  static constexpr const char* kHelp =
      "Ask this node for devices' status (WHITELISTED, GREYLISTED or "
      "BLACKLISTED) and the entries behind it; exit 1 if any IMEI is "
      "malformed";
};

std::string Describe(const v1::CheckCause& c) {
  return v1::Action_Name(c.action()).substr(7) + " " +
         v1::Reason_Name(c.reason()).substr(7) + " by " + c.origin() +
         " (entry " + std::to_string(c.index()) + ", issued at " +
         std::to_string(c.issued_at_ms()) + " ms)";
}

void Print(bool json, const std::string& imei, const v1::CheckResponse& r) {
  const std::string status = v1::EquipmentStatus_Name(r.status());
  if (json) {
    nlohmann::ordered_json causes = nlohmann::ordered_json::array();
    for (const v1::CheckCause& c : r.causes()) {
      causes.push_back({{"origin", c.origin()},
                        {"index", c.index()},
                        {"action", v1::Action_Name(c.action()).substr(7)},
                        {"reason", v1::Reason_Name(c.reason()).substr(7)},
                        {"issued_at_ms", c.issued_at_ms()}});
    }
    PrintJsonLine({{"imei", imei},
                   {"status", status},
                   {"rule", r.rule()},
                   {"causes", causes}});
    return;
  }
  std::string line = imei + " " + status + " (" + r.rule() + ")";
  for (const v1::CheckCause& c : r.causes()) line += "\n  " + Describe(c);
  std::cout << line << std::endl;
}

Result<int> RunCheck(const CheckArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  auto stub = v1::Check::NewStub(client.channel);
  grpc::ClientContext context;
  SetDeadline(context, std::chrono::minutes(5));
  auto stream = stub->CheckStream(&context);
  int exit_code = kExitOk;
  // Requests go out as responses come back, so a long list never has more
  // than one request in flight and memory stays flat.
  v1::CheckRequest request;
  v1::CheckResponse response;
  for (size_t i = 0; i < a.imeis.size(); ++i) {
    request.set_imei(a.imeis[i]);
    request.set_imsi(a.imsi);
    request.set_request_id(i);
    if (!stream->Write(request) || !stream->Read(&response)) break;
    if (!response.error().empty()) {
      PrintError("check",
                 InvalidArgument("IMEI " + std::to_string(i + 1) + " of " +
                                 std::to_string(a.imeis.size()) + ": " +
                                 response.error()));
      exit_code = kExitInvalid;
      continue;
    }
    Print(a.json, a.imeis[i], response);
  }
  stream->WritesDone();
  grpc::Status s = stream->Finish();
  if (!s.ok()) return ReportFailedCall("check", s);
  return exit_code;
}

}  // namespace

void AddCheckCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunCheck);
}

}  // namespace imeisync::cli
