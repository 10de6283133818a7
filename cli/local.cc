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

constexpr auto kLocalTimeout = std::chrono::seconds(30);

struct PairArgs {
  std::string config, imei, imsi;
  bool json = false;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    c.add_option("IMEI", imei, "the device")->required();
    c.add_option("IMSI", imsi, "the subscriber, 5 to 15 digits")->required();
    AddJsonFlag(c, json);
  }

  static constexpr const char* kName = "pair";
  static constexpr const char* kHelp =
      "Pair a device with a subscriber: that IMSI's checks of that "
      "IMEI answer WHITELISTED, whatever blocks it";
};

struct UnpairArgs : PairArgs {
  static constexpr const char* kName = "unpair";
  static constexpr const char* kHelp = "Remove a pair";
};

struct SeenArgs {
  std::string config, imei, date;
  bool json = false;

  void Bind(CLI::App& c) {
    AddConfigOption(c, config);
    c.add_option("IMEI", imei, "the device")->required();
    c.add_option("--date", date, "YYYY-MM-DD (UTC)")->required();
    AddJsonFlag(c, json);
  }

  static constexpr const char* kName = "seen";
  static constexpr const char* kHelp =
      "Record the day a device was first seen on this network (starts "
      "its registration grace period)";
};

// Reports the node's answer to the call `what`: its refusal, or `text`.
int Report(const char* what, const grpc::Status& s, bool json,
           const std::string& text) {
  if (!s.ok()) return ReportFailedCall(what, s);
  PrintResult(json, {{"done", what}}, text);
  return kExitOk;
}

Result<int> RunPairing(const PairArgs& a, bool pair) {
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  v1::LocalPairRequest request;
  request.set_imei(a.imei);
  request.set_imsi(a.imsi);
  v1::LocalResponse reply;
  grpc::Status s = UnaryCall(
      *client.stub,
      pair ? &v1::Admin::Stub::LocalPair : &v1::Admin::Stub::LocalUnpair,
      request, &reply, kLocalTimeout);
  return Report(
      pair ? "local pair" : "local unpair", s, a.json,
      pair ? "paired: the device is WHITELISTED for that IMSI" : "unpaired");
}

Result<int> RunPair(const PairArgs& a) { return RunPairing(a, true); }
Result<int> RunUnpair(const UnpairArgs& a) { return RunPairing(a, false); }

Result<int> RunSeen(const SeenArgs& a) {
  auto day = ParseDay(a.date);
  if (!day.ok()) return InvalidArgument("--" + day.status().message());
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  v1::LocalSeenRequest request;
  request.set_imei(a.imei);
  request.set_day(*day);
  v1::LocalResponse reply;
  grpc::Status s = UnaryCall(*client.stub, &v1::Admin::Stub::LocalSeen, request,
                             &reply, kLocalTimeout);
  return Report("local seen", s, a.json, "first seen on " + a.date);
}

}  // namespace

void AddLocalCommand(CLI::App& app, RunFn* run) {
  CLI::App* local = AddCommandGroup(
      app, "local",
      "The operator's local-only data: IMEI-IMSI exception pairs and "
      "first-seen days. Kept on this node only; never replicated");
  AddCommand(*local, run, RunPair);
  AddCommand(*local, run, RunUnpair);
  AddCommand(*local, run, RunSeen);
}

}  // namespace imeisync::cli
