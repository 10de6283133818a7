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

// What every local command names: the node, the device, and the one value
// of its own.
struct LocalArgs : JsonFlag {
  std::string config, imei;

  // Binds --config, IMEI and the required `value` of the command as
  // `name`, in that order.
  void BindWith(CLI::App& c, const std::string& name, std::string& value,
                const std::string& help) {
    AddConfigOption(c, config);
    c.add_option("IMEI", imei, "the device")->required();
    c.add_option(name, value, help)->required();
  }
};

struct PairArgs : LocalArgs {
  std::string imsi;

  void Bind(CLI::App& c) {
    BindWith(c, "IMSI", imsi, "the subscriber, 5 to 15 digits");
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

struct SeenArgs : LocalArgs {
  std::string date;

  void Bind(CLI::App& c) { BindWith(c, "--date", date, "YYYY-MM-DD (UTC)"); }

  static constexpr const char* kName = "seen";
  static constexpr const char* kHelp =
      "Record the day a device was first seen on this network (starts "
      "its registration grace period)";
};

// Sends `request` to the node of `a` as the Admin call `method`, named
// `what`, and reports its refusal or, when it is done, `text`.
template <class Request>
Result<int> CallLocal(
    const LocalArgs& a,
    grpc::Status (v1::Admin::Stub::*method)(grpc::ClientContext*,
                                            const Request&, v1::LocalResponse*),
    const Request& request, const char* what, const std::string& text) {
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  v1::LocalResponse reply;
  grpc::Status s =
      UnaryCall(*client.stub, method, request, &reply, kLocalTimeout);
  if (!s.ok()) return ReportFailedCall(what, s);
  PrintResult(a.json, {{"done", what}}, text);
  return kExitOk;
}

Result<int> RunPairing(const PairArgs& a, bool pair) {
  v1::LocalPairRequest request;
  request.set_imei(a.imei);
  request.set_imsi(a.imsi);
  return CallLocal(
      a, pair ? &v1::Admin::Stub::LocalPair : &v1::Admin::Stub::LocalUnpair,
      request, pair ? "local pair" : "local unpair",
      pair ? "paired: the device is WHITELISTED for that IMSI" : "unpaired");
}

Result<int> RunPair(const PairArgs& a) { return RunPairing(a, true); }
Result<int> RunUnpair(const UnpairArgs& a) { return RunPairing(a, false); }

Result<int> RunSeen(const SeenArgs& a) {
  auto day = ParseDay(a.date);
  if (!day.ok()) return InvalidArgument("--" + day.status().message());
  v1::LocalSeenRequest request;
  request.set_imei(a.imei);
  request.set_day(*day);
  return CallLocal(a, &v1::Admin::Stub::LocalSeen, request, "local seen",
                   "first seen on " + a.date);
}

}  // namespace

void AddLocalCommand(CLI::App& app, RunFn* run) {
  AddCommandGroup(app, "local",
                  "The operator's local-only data: IMEI-IMSI exception pairs "
                  "and first-seen days. Kept on this node only; never "
                  "replicated",
                  run, RunPair, RunUnpair, RunSeen);
}

}  // namespace imeisync::cli
