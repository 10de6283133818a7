// imeisync local pair|unpair IMEI IMSI; imeisync local seen IMEI --date D:
// the operator's local-only data, kept on its own node and never shared.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/dates.h"
#include "cli/output.h"

namespace imeisync::cli {
namespace {

struct LocalArgs {
  std::string config, imei, imsi, date;
  bool json = false;
};

int Finish(const char* what, const grpc::Status& s, const LocalArgs& a,
           const std::string& text) {
  if (!s.ok()) return ReportFailedCall(what, s);
  PrintResult(a.json, {{"done", what}}, text);
  return kExitOk;
}

int RunPair(const LocalArgs& a, bool pair) {
  const char* what = pair ? "local pair" : "local unpair";
  auto client = ConnectAdmin(a.config);
  if (!client.ok()) {
    PrintError(what, client.status());
    return kExitUsage;
  }
  v1::LocalPairRequest request;
  request.set_imei(a.imei);
  request.set_imsi(a.imsi);
  v1::LocalResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  grpc::Status s = pair ? client->stub->LocalPair(&context, request, &reply)
                        : client->stub->LocalUnpair(&context, request, &reply);
  return Finish(
      what, s, a,
      pair ? "paired: the device is WHITELISTED for that IMSI" : "unpaired");
}

int RunSeen(const LocalArgs& a) {
  auto day = ParseDay(a.date);
  if (!day.ok()) {
    PrintError("local seen", InvalidArgument("--" + day.status().message()));
    return kExitUsage;
  }
  auto client = ConnectAdmin(a.config);
  if (!client.ok()) {
    PrintError("local seen", client.status());
    return kExitUsage;
  }
  v1::LocalSeenRequest request;
  request.set_imei(a.imei);
  request.set_day(*day);
  v1::LocalResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  return Finish("local seen",
                client->stub->LocalSeen(&context, request, &reply), a,
                "first seen on " + a.date);
}

}  // namespace

void AddLocalCommand(CLI::App& app, RunFn* run) {
  CLI::App* l = app.add_subcommand(
      "local",
      "The operator's local-only data: IMEI-IMSI exception pairs and "
      "first-seen days. Kept on this node only; never replicated");
  l->require_subcommand(1);
  for (bool pair : {true, false}) {
    auto a = std::make_shared<LocalArgs>();
    CLI::App* c = l->add_subcommand(
        pair ? "pair" : "unpair",
        pair ? "Pair a device with a subscriber: that IMSI's checks of that "
               "IMEI answer WHITELISTED, whatever blocks it"
             : "Remove a pair");
    c->add_option("--config", a->config, "the node's node.toml")->required();
    c->add_option("IMEI", a->imei, "the device")->required();
    c->add_option("IMSI", a->imsi, "the subscriber, 5 to 15 digits")
        ->required();
    c->add_flag("--json", a->json, "print the result as JSON");
    c->callback(
        [run, a, pair] { *run = [a, pair] { return RunPair(*a, pair); }; });
  }
  auto a = std::make_shared<LocalArgs>();
  CLI::App* c = l->add_subcommand(
      "seen",
      "Record the day a device was first seen on this network (starts its "
      "registration grace period)");
  c->add_option("--config", a->config, "the node's node.toml")->required();
  c->add_option("IMEI", a->imei, "the device")->required();
  c->add_option("--date", a->date, "YYYY-MM-DD (UTC)")->required();
  c->add_flag("--json", a->json, "print the result as JSON");
  c->callback([run, a] { *run = [a] { return RunSeen(*a); }; });
}

}  // namespace imeisync::cli
