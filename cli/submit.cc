// imeisync submit --config node.toml ACTION --reason R IMEI...
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/entry_args.h"
#include "cli/line_input.h"
#include "cli/output.h"

namespace imeisync::cli {
namespace {

struct SubmitArgs : JsonFlag {
  std::string config;
  std::string action;
  std::string reason;
  std::vector<std::string> imeis;
  std::string from;  // file of IMEIs, one per line; "-" = stdin
  int64_t issued_at_ms = 0;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    AddActionOption(c, "ACTION", action);
    c.add_option("--reason", reason,
                 "stolen, lost, unregistered, counterfeit, duplicate, "
                 "court_order, foreign_stolen or registry")
        ->required();
    c.add_option("--issued-at-ms", issued_at_ms,
                 "issue time, Unix ms (default: the node's clock)");
    c.add_option("IMEI", imeis, "IMEIs, in any accepted form");
    c.add_option("--from", from,
                 "also read IMEIs from this file, one per line; - for stdin "
                 "(all of them go in one submit, up to 200,000)");
  }

  static constexpr const char* kName = "submit";
  static constexpr const char* kHelp =
      "Append entries to this node's own log (tags are computed by the "
      "node) and wait for the signed checkpoint that covers them";
};

// The IMEIs of the arguments, then those of --from (blank lines skipped).
Result<std::vector<std::string>> GatherImeis(const SubmitArgs& a) {
  std::vector<std::string> imeis = a.imeis;
  if (!a.from.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(LineInput in, LineInput::Open(a.from));
    for (std::string line; in.Next(line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) imeis.push_back(line);
    }
  }
  if (imeis.empty()) {
    return InvalidArgument("no IMEI given (arguments or --from)");
  }
  return imeis;
}

Result<int> RunSubmit(const SubmitArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(node::Action action, ParseActionArg(a.action));
  IMEISYNC_ASSIGN_OR_RETURN(node::Reason reason, ParseReasonArg(a.reason));
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<std::string> imeis, GatherImeis(a));
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  v1::SubmitRequest request;
  request.set_action(static_cast<v1::Action>(action));
  request.set_reason(static_cast<v1::Reason>(reason));
  request.set_issued_at_ms(a.issued_at_ms);
  for (const std::string& imei : imeis) request.add_imeis(imei);
  v1::SubmitResponse reply;
  grpc::Status s = UnaryCall(*client.stub, &v1::Admin::Stub::Submit, request,
                             &reply, std::chrono::minutes(10));
  if (!s.ok()) return ReportFailedCall("submit", s);
  PrintResult(a.json,
              {{"origin", reply.origin()},
               {"first_index", reply.first_index()},
               {"count", reply.count()},
               {"checkpoint_size", reply.checkpoint_size()}},
              "appended " + std::to_string(reply.count()) + " entries to " +
                  reply.origin() + " at index " +
                  std::to_string(reply.first_index()) +
                  "; signed checkpoint size " +
                  std::to_string(reply.checkpoint_size()));
  return kExitOk;
}

}  // namespace

void AddSubmitCommand(CLI::App& app, RunFn* run) {
  AddCommand(app, run, RunSubmit);
}

}  // namespace imeisync::cli
