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

struct PublishArgs {
  std::string dir;
  std::string config;
  bool json = false;
};

int RunPublish(const PublishArgs& a) {
  // Checks the FED bundle against federation.key before sending it.
  auto bundle = node::federation::LoadFederationBundle(a.dir);
  if (!bundle.ok()) {
    PrintError("federation publish", bundle.status());
    return kExitUsage;
  }
  v1::SignedBundle request;
  auto toml = ReadFile(a.dir + "/bundle.toml", 4 << 20);
  auto sig = ReadFile(a.dir + "/bundle.toml.sig", 1024);
  if (!toml.ok() || !sig.ok()) {
    PrintError("federation publish", toml.ok() ? sig.status() : toml.status());
    return kExitUsage;
  }
  request.set_toml(*toml);
  request.set_signature(*sig);
  auto client = ConnectAdmin(a.config);
  if (!client.ok()) {
    PrintError("federation publish", client.status());
    return kExitUsage;
  }
  v1::OfferBundleResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  grpc::Status s = client->stub->PublishBundle(&context, request, &reply);
  if (!s.ok()) {
    return ReportFailedCall("federation publish", s);
  }
  PrintResult(
      a.json,
      {{"node", client->config.id}, {"bundle_version", reply.bundle_version()}},
      "node " + client->config.id + " now holds bundle version " +
          std::to_string(reply.bundle_version()));
  return kExitOk;
}

}  // namespace

void AddFederationPublishCommand(CLI::App& federation, RunFn* run) {
  CLI::App* c = federation.add_subcommand(
      "publish",
      "Hand the federation's current signed bundle to a running node; it "
      "spreads to every node from there");
  auto a = std::make_shared<PublishArgs>();
  c->add_option("--dir", a->dir, "the federation directory")->required();
  c->add_option("--config", a->config, "node.toml of the running node")
      ->required();
  c->add_flag("--json", a->json, "print the result as JSON");
  c->callback([run, a] { *run = [a] { return RunPublish(*a); }; });
}

}  // namespace imeisync::cli
