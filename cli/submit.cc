// imeisync submit --config node.toml ACTION --reason R IMEI...
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/output.h"
#include "node/entry.h"

namespace imeisync::cli {
namespace {

struct SubmitArgs {
  std::string config;
  std::string action;
  std::string reason;
  std::vector<std::string> imeis;
  std::string from;  // file of IMEIs, one per line; "-" = stdin
  int64_t issued_at_ms = 0;
  bool json = false;
};

int RunSubmit(const SubmitArgs& a) {
  auto action = node::ParseAction(a.action);
  if (!action) {
    PrintError("submit", InvalidArgument("unknown action \"" + a.action +
                                         "\" (block, clear, register, "
                                         "deregister, allow)"));
    return kExitUsage;
  }
  auto reason = node::ParseReason(a.reason);
  if (!reason) {
    PrintError("submit",
               InvalidArgument("unknown reason \"" + a.reason + "\""));
    return kExitUsage;
  }
  std::vector<std::string> imeis = a.imeis;
  if (!a.from.empty()) {
    std::ifstream file;
    if (a.from != "-") {
      file.open(a.from);
      if (!file) {
        PrintError("submit", NotFound("cannot open " + a.from));
        return kExitUsage;
      }
    }
    std::istream& in = a.from == "-" ? std::cin : file;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) imeis.push_back(line);
    }
  }
  if (imeis.empty()) {
    PrintError("submit",
               InvalidArgument("no IMEI given (arguments or --from)"));
    return kExitUsage;
  }
  auto client = ConnectAdmin(a.config);
  if (!client.ok()) {
    PrintError("submit", client.status());
    return kExitUsage;
  }
  v1::SubmitRequest request;
  request.set_action(static_cast<v1::Action>(*action));
  request.set_reason(static_cast<v1::Reason>(*reason));
  request.set_issued_at_ms(a.issued_at_ms);
  for (const std::string& imei : imeis) request.add_imeis(imei);
  v1::SubmitResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::minutes(10));
  grpc::Status s = client->stub->Submit(&context, request, &reply);
  if (!s.ok()) {
    return ReportFailedCall("submit", s);
  }
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
  CLI::App* c = app.add_subcommand(
      "submit",
      "Append entries to this node's own log (tags are computed by the node) "
      "and wait for the signed checkpoint that covers them");
  auto a = std::make_shared<SubmitArgs>();
  c->add_option("--config", a->config, "the node's node.toml")->required();
  c->add_option("ACTION", a->action,
                "block, clear, register, deregister or allow")
      ->required();
  c->add_option("--reason", a->reason,
                "stolen, lost, unregistered, counterfeit, duplicate, "
                "court_order, foreign_stolen or registry")
      ->required();
  c->add_option("--issued-at-ms", a->issued_at_ms,
                "issue time, Unix ms (default: the node's clock)");
  c->add_option("IMEI", a->imeis, "IMEIs, in any accepted form");
  c->add_option("--from", a->from,
                "also read IMEIs from this file, one per line; - for stdin "
                "(all of them go in one submit, up to 200,000)");
  c->add_flag("--json", a->json, "print the result as JSON");
  c->callback([run, a] { *run = [a] { return RunSubmit(*a); }; });
}

}  // namespace imeisync::cli
