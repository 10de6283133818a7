// How cli/main.cc wires one file per command into the `imeisync` CLI.
#ifndef IMEISYNC_CLI_COMMAND_H_
#define IMEISYNC_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace imeisync::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the thing checked is invalid
inline constexpr int kExitUsage = 2;    // unusable arguments or input

// A command registers its subcommand on `app` and, when it is the one the
// user chose, stores the function that runs it in `*run`. The function
// returns the process exit code.
using RunFn = std::function<int()>;

void AddImeiCommand(CLI::App& app, RunFn* run);
void AddTagCommand(CLI::App& app, RunFn* run);
void AddMerkleCommand(CLI::App& app, RunFn* run);
void AddFederationCommand(CLI::App& app, RunFn* run);
void AddFederationPublishCommand(CLI::App& federation, RunFn* run);
void AddSubmitCommand(CLI::App& app, RunFn* run);
void AddStatusCommand(CLI::App& app, RunFn* run);
void AddCheckCommand(CLI::App& app, RunFn* run);
void AddLocalCommand(CLI::App& app, RunFn* run);
void AddImportCommand(CLI::App& app, RunFn* run);
void AddAuditCommand(CLI::App& app, RunFn* run);
void AddProveCommand(CLI::App& app, RunFn* run);
void AddVerifyProofCommand(CLI::App& app, RunFn* run);
void AddPrefetchCommand(CLI::App& app, RunFn* run);
void AddLinkCommand(CLI::App& app, RunFn* run);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_COMMAND_H_
