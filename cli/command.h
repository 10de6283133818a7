// How cli/main.cc wires one file per command into the `imeisync` CLI, and how
// a command's result becomes the process exit code (docs/cli.md, exit
// status).
#ifndef IMEISYNC_CLI_COMMAND_H_
#define IMEISYNC_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/status.h"

namespace imeisync::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the thing checked is invalid
inline constexpr int kExitUsage = 2;    // unusable arguments or input

// A command registers its subcommand on `app` and, when it is the one the
// user chose, stores the function that runs it in `*run`. The function
// returns the process exit code.
using RunFn = std::function<int()>;

// What a command's body returns: the exit code it chose (kExitOk, or
// kExitInvalid after printing what is invalid), or the error that made its
// arguments or input unusable.
using CommandFn = std::function<Result<int>()>;

// The exit code of `result`: its value when OK. Otherwise prints
// "imeisync: <name>: <message>" on stderr and returns kExitUsage.
int Finish(std::string_view name, const Result<int>& result);

// Adds the subcommand `name` of `parent` and returns it for its options.
// When the user chooses it, `*run` becomes Finish(words, body()): `words` is
// `name` after the name of `parent` unless that is the root app, as the user
// typed them ("status", "federation init").
CLI::App* AddRunCommand(CLI::App& parent, const std::string& name,
                        const std::string& description, RunFn* run,
                        CommandFn body);

// Base of the Args of every command that can print its result as JSON.
// AddCommand binds `json` to a --json flag after the options of Bind, so it
// ends every --help, described by Args::kJsonHelp (an Args may hide this
// one with its own).
struct JsonFlag {
  bool json = false;
  static constexpr const char* kJsonHelp = "print the result as JSON";
};

// AddRunCommand for the command line an `Args` describes: its name
// Args::kName, its --help text Args::kHelp, and its options, which a fresh
// Args declares with `void Bind(CLI::App&)` in --help order, then --json if
// it derives from JsonFlag. The command runs body(args).
template <class Args>
void AddCommand(CLI::App& parent, RunFn* run,
                Result<int> (*body)(const Args&)) {
  auto args = std::make_shared<Args>();
  CLI::App* command = AddRunCommand(parent, Args::kName, Args::kHelp, run,
                                    [args, body] { return body(*args); });
  args->Bind(*command);
  if constexpr (std::is_base_of_v<JsonFlag, Args>) {
    command->add_flag("--json", args->json, Args::kJsonHelp);
  }
}

// Adds `name` to `parent` as a group of commands (federation, link, ...):
// the user must choose one of its subcommands.
CLI::App* AddCommandGroup(CLI::App& parent, const std::string& name,
                          const std::string& description);

// AddCommandGroup, then AddCommand for each of `bodies`, in --help order.
// Returns the group, for subcommands added elsewhere.
template <class... Args>
CLI::App* AddCommandGroup(CLI::App& parent, const std::string& name,
                          const std::string& description, RunFn* run,
                          Result<int> (*... bodies)(const Args&)) {
  CLI::App* group = AddCommandGroup(parent, name, description);
  (AddCommand(*group, run, bodies), ...);
  return group;
}

// The option most commands share: --config, required, naming the running
// node's node.toml.
void AddConfigOption(CLI::App& command, std::string& config);

// --dir, required, naming the federation directory that federation init
// made (the ministry's offline FED directory).
void AddFederationDirOption(CLI::App& command, std::string& dir);

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
