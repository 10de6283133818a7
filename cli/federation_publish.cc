// imeisync federation publish --dir FED --config NODE/node.toml
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/file_util.h"
#include "cli/admin_client.h"
#include "cli/command.h"
#include "cli/output.h"
#include "node/federation/setup.h"

namespace imeisync::cli {
namespace {

struct PublishArgs : JsonFlag {
  std::string dir;
  std::string config;

  void Bind(CLI::App& c) {
    AddFederationDirOption(c, dir);
    c.add_option("--config", config, "node.toml of the running node")
        ->required();
  }

  static constexpr const char* kName = "publish";
  static constexpr const char* kHelp =
      "Hand the federation's current signed bundle to a running node; "
      "it spreads to every node from there";
};

Result<int> RunPublish(const PublishArgs& a) {
  // Checks the FED bundle against federation.key before sending it.
  IMEISYNC_RETURN_IF_ERROR(
      node::federation::LoadFederationBundle(a.dir).status());
  v1::SignedBundle request;
  IMEISYNC_ASSIGN_OR_RETURN(std::string toml,
                            ReadFile(a.dir + "/bundle.toml", 4 << 20));
  IMEISYNC_ASSIGN_OR_RETURN(std::string sig,
                            ReadFile(a.dir + "/bundle.toml.sig", 1024));
  request.set_toml(toml);
  request.set_signature(sig);
  IMEISYNC_ASSIGN_OR_RETURN(AdminClient client, ConnectAdmin(a.config));
  v1::OfferBundleResponse reply;
  grpc::Status s = UnaryCall(*client.stub, &v1::Admin::Stub::PublishBundle,
                             request, &reply, std::chrono::seconds(30));
  if (!s.ok()) return ReportFailedCall("federation publish", s);
  PrintResult(
      a.json,
      {{"node", client.config.id}, {"bundle_version", reply.bundle_version()}},
      "node " + client.config.id + " now holds bundle version " +
          std::to_string(reply.bundle_version()));
  return kExitOk;
}

}  // namespace

void AddFederationPublishCommand(CLI::App& federation, RunFn* run) {
  AddCommand(federation, run, RunPublish);
}

}  // namespace imeisync::cli
