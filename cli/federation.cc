// imeisync federation init | add-member: creating a federation's material.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/output.h"
#include "node/federation/setup.h"

namespace imeisync::cli {
namespace {

namespace fed = node::federation;

struct InitArgs : JsonFlag {
  std::string id, mode = "salted", dir;
  uint64_t oprf_budget = fed::OprfParams::kDefaultOprfBudget;

  void Bind(CLI::App& c) {
    c.add_option("--id", id, "federation id, [a-z0-9-]{1,32}")->required();
    c.add_option("--mode", mode,
                 "salted (members share an HMAC salt) or oprf (only the "
                 "ministry holds the key; docs/threat-model.md)")
        ->capture_default_str();
    c.add_option("--oprf-budget", oprf_budget,
                 "oprf mode: blinded evaluations each operator may ask for "
                 "per epoch")
        ->capture_default_str();
    c.add_option("--dir", dir,
                 "directory to create; must not exist or be empty")
        ->required();
  }

  static constexpr const char* kName = "init";
  static constexpr const char* kHelp =
      "Create the federation CA, the bundle-signing key, the salt "
      "(salted) or OPRF key (oprf) and bundle version 1";
};

struct AddArgs : JsonFlag {
  std::string dir, id, role, endpoint, out, http;
  bool http_given = false;

  void Bind(CLI::App& c) {
    c.add_option("--dir", dir, "the federation directory made by init")
        ->required();
    c.add_option("--id", id, "member id, [a-z0-9-]{1,32}")->required();
    c.add_option("--role", role, "ministry, operator, auditor or foreign")
        ->required();
    c.add_option("--endpoint", endpoint,
                 "host:port of the member's peer listener");
    c.add_option("--out", out, "node directory to create")->required();
    c.add_option("--http", http,
                 "host:port of the node's HTTP listener (EIR API, metrics); "
                 "\"\" for none; default 127.0.0.1 and a free port")
        ->each([this](const std::string&) { http_given = true; });
  }

  static constexpr const char* kName = "add-member";
  static constexpr const char* kHelp =
      "Create a member's node directory and add it to the bundle "
      "(version + 1)";
};

// "127.0.0.1:<port>" with a port the kernel had free a moment ago.
Result<std::string> FreeLoopbackAddress() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Unavailable(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok =
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) {
    return Unavailable(std::string("cannot find a free loopback port: ") +
                       std::strerror(err));
  }
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

Result<int> RunInit(const InitArgs& a) {
  fed::CreateFederationOptions o;
  o.dir = a.dir;
  o.id = a.id;
  if (a.mode == "oprf") {
    o.mode = fed::TagMode::kOprf;
    o.oprf_budget = a.oprf_budget;
  } else if (a.mode != "salted") {
    return InvalidArgument("--mode must be salted or oprf");
  }
  IMEISYNC_RETURN_IF_ERROR(fed::CreateFederation(o));
  const std::string secret =
      o.mode == fed::TagMode::kOprf ? "oprf.key" : "salt";
  PrintResult(a.json,
              {{"federation", a.id},
               {"dir", a.dir},
               {"mode", a.mode},
               {"bundle_version", 1}},
              "created " + a.mode + " federation " + a.id + " in " + a.dir +
                  " (bundle version 1). Keep ca.key, federation.key and " +
                  secret + " offline.");
  return kExitOk;
}

Result<int> RunAddMember(const AddArgs& a) {
  auto role = fed::ParseRole(a.role);
  if (!role) {
    return InvalidArgument(
        "--role must be ministry, operator, auditor or foreign");
  }
  fed::AddMemberOptions o;
  o.fed_dir = a.dir;
  o.id = a.id;
  o.role = *role;
  o.endpoint = a.endpoint;
  o.out_dir = a.out;
  if (a.http_given) {
    o.http_listen = a.http;
  } else {
    IMEISYNC_ASSIGN_OR_RETURN(o.http_listen, FreeLoopbackAddress());
  }
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, fed::AddMember(o));
  PrintResult(a.json,
              {{"member", a.id},
               {"role", a.role},
               {"node_dir", a.out},
               {"bundle_version", version}},
              "added " + a.role + " " + a.id + " in " + a.out +
                  " (bundle version " + std::to_string(version) + ")");
  return kExitOk;
}

}  // namespace

void AddFederationCommand(CLI::App& app, RunFn* run) {
  CLI::App* federation =
      AddCommandGroup(app, "federation", "Create a federation and its members",
                      run, RunInit, RunAddMember);
  AddFederationPublishCommand(*federation, run);
}

}  // namespace imeisync::cli
