// imeisync: the command-line tool for admins, operators and auditors.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/command.h"
#include "imeisync_version.h"

int main(int argc, char** argv) {
  CLI::App app{"imeisync: federated, privacy-preserving IMEI blocklist sync"};
  app.set_version_flag("--version",
                       std::string("imeisync ") + IMEISYNC_VERSION);
  app.require_subcommand(1);

  imeisync::cli::RunFn run;
  imeisync::cli::AddImeiCommand(app, &run);
  imeisync::cli::AddTagCommand(app, &run);
  imeisync::cli::AddMerkleCommand(app, &run);
  imeisync::cli::AddFederationCommand(app, &run);
  imeisync::cli::AddSubmitCommand(app, &run);
  imeisync::cli::AddStatusCommand(app, &run);
  imeisync::cli::AddCheckCommand(app, &run);
  imeisync::cli::AddImportCommand(app, &run);
  imeisync::cli::AddLocalCommand(app, &run);
  imeisync::cli::AddAuditCommand(app, &run);
  imeisync::cli::AddProveCommand(app, &run);
  imeisync::cli::AddVerifyProofCommand(app, &run);
  imeisync::cli::AddPrefetchCommand(app, &run);
  imeisync::cli::AddLinkCommand(app, &run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return imeisync::cli::kExitUsage;
  }
  try {
    return run ? run() : imeisync::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imeisync: internal error: %s\n", e.what());
    return imeisync::cli::kExitUsage;
  }
}
