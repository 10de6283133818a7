// imeisync link create | remove | join: cross-border links (docs/links.md).
// create and remove run on the ministry's offline FED directory; join runs
// on the other side, on the node directory that create made for it.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output.h"
#include "node/federation/setup.h"

namespace imeisync::cli {
namespace {

namespace fed = node::federation;

// Adds `flag`, a comma-separated list of names (parsed by ParseNames) whose
// default, `names` as given, --help shows.
void AddNameList(CLI::App& c, const std::string& flag,
                 std::vector<std::string>& names, const std::string& help) {
  c.add_option(flag, names, help)->delimiter(',')->capture_default_str();
}

struct CreateArgs : JsonFlag {
  std::string dir, id, endpoint, out, exporter, imported = "grey-only", http;
  std::vector<std::string> export_reasons{"STOLEN", "LOST"};
  std::vector<std::string> import_actions{"BLOCK", "CLEAR"};
  std::vector<std::string> import_reasons{"FOREIGN_STOLEN"};
  uint64_t oprf_budget = 0;
  bool budget_given = false;

  void Bind(CLI::App& c) {
    AddFederationDirOption(c, dir);
    c.add_option("--id", id, "the foreign member's id, [a-z0-9-]{1,32}")
        ->required();
    c.add_option("--endpoint", endpoint,
                 "host:port of the foreign member's link node")
        ->required();
    c.add_option("--out", out, "node directory to create")->required();
    c.add_option("--exporter", exporter,
                 "ministry member keeping the export log; default the first");
    AddNameList(c, "--export-reasons", export_reasons,
                "reasons whose blocks are exported");
    AddNameList(c, "--import-actions", import_actions,
                "actions the foreign member may submit (BLOCK, CLEAR)");
    AddNameList(c, "--import-reasons", import_reasons,
                "reasons the foreign member may submit");
    c.add_option("--imported", imported,
                 "how its blocks count here: grey-only, enforce or ignore")
        ->capture_default_str();
    c.add_option("--oprf-budget", oprf_budget,
                 "oprf mode: its blinded evaluations per epoch")
        ->each([this](const std::string&) { budget_given = true; });
    c.add_option("--http", http,
                 "host:port of the link node's HTTP listener; default none");
  }

  static constexpr const char* kName = "create";
  static constexpr const char* kHelp =
      "Add a foreign member and its [[link]] to the bundle (version + "
      "1) and create its node directory";
};

struct RemoveArgs : JsonFlag {
  std::string dir, id;

  void Bind(CLI::App& c) {
    AddFederationDirOption(c, dir);
    c.add_option("--id", id, "the foreign member's id")->required();
  }

  static constexpr const char* kName = "remove";
  static constexpr const char* kHelp =
      "Drop a foreign member's [[link]] (version + 1)";
};

struct JoinArgs : JsonFlag {
  std::string bundle, member_dir;

  void Bind(CLI::App& c) {
    c.add_option("--bundle", bundle,
                 "their bundle.toml (bundle.toml.sig beside it)")
        ->required();
    c.add_option("--member-dir", member_dir, "the node directory they sent")
        ->required();
  }

  static constexpr const char* kName = "join";
  static constexpr const char* kHelp =
      "Prepare the node directory their link create made to run as our "
      "link node in their federation";
};

template <class T>
Result<std::set<T>> ParseNames(const std::vector<std::string>& names,
                               std::optional<T> (*parse)(std::string_view),
                               std::string_view flag) {
  std::set<T> out;
  for (const std::string& n : names) {
    auto v = parse(n);
    if (!v) {
      return InvalidArgument(std::string(flag) + ": unknown name \"" + n +
                             "\"");
    }
    out.insert(*v);
  }
  return out;
}

Result<fed::Link> LinkOf(const CreateArgs& a) {
  fed::Link link;
  link.exporter = a.exporter;
  IMEISYNC_ASSIGN_OR_RETURN(
      link.export_reasons,
      ParseNames(a.export_reasons, node::ParseReason, "--export-reasons"));
  IMEISYNC_ASSIGN_OR_RETURN(
      link.imports.actions,
      ParseNames(a.import_actions, node::ParseAction, "--import-actions"));
  IMEISYNC_ASSIGN_OR_RETURN(
      link.imports.reasons,
      ParseNames(a.import_reasons, node::ParseReason, "--import-reasons"));
  auto treatment = fed::ParseImportTreatment(a.imported);
  if (!treatment) {
    return InvalidArgument("--imported must be grey-only, enforce or ignore");
  }
  link.imported = *treatment;
  if (a.budget_given) link.oprf_budget = a.oprf_budget;
  return link;
}

Result<int> RunCreate(const CreateArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(fed::Link link, LinkOf(a));
  fed::AddMemberOptions o;
  o.fed_dir = a.dir;
  o.id = a.id;
  o.role = fed::Role::kForeign;
  o.endpoint = a.endpoint;
  o.out_dir = a.out;
  o.http_listen = a.http;
  o.link = std::move(link);
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, fed::AddMember(o));
  PrintResult(a.json,
              {{"member", a.id},
               {"role", "foreign"},
               {"node_dir", a.out},
               {"bundle_version", version}},
              "linked foreign member " + a.id + " (bundle version " +
                  std::to_string(version) + "). Send " + a.out +
                  " to its regulator over a secure channel, and publish the "
                  "bundle to your nodes (imeisync federation publish).");
  return kExitOk;
}

Result<int> RunRemove(const RemoveArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t version, fed::RemoveLink(a.dir, a.id));
  PrintResult(a.json, {{"member", a.id}, {"bundle_version", version}},
              "removed the link of " + a.id + " (bundle version " +
                  std::to_string(version) +
                  "). Publish the bundle: each node stops serving " + a.id +
                  " as soon as it holds it.");
  return kExitOk;
}

Result<int> RunJoin(const JoinArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(fed::JoinLinkResult joined,
                            fed::JoinLink(a.bundle, a.member_dir));
  PrintResult(a.json,
              {{"member", joined.id},
               {"federation", joined.federation},
               {"exporter", joined.exporter},
               {"bundle_version", joined.bundle_version}},
              "ready to act as " + joined.id + " in federation " +
                  joined.federation + " (bundle version " +
                  std::to_string(joined.bundle_version) + ", syncing with " +
                  joined.exporter + "). Start it: imeisyncd --config " +
                  a.member_dir + "/node.toml");
  return kExitOk;
}

}  // namespace

void AddLinkCommand(CLI::App& app, RunFn* run) {
  AddCommandGroup(app, "link",
                  "Link a foreign regulator in, or join another federation's "
                  "link (docs/links.md)",
                  run, RunCreate, RunRemove, RunJoin);
}

}  // namespace imeisync::cli
