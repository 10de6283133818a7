#include "cli/command.h"

#include <utility>

#include "cli/output.h"

namespace imeisync::cli {

int Finish(std::string_view name, const Result<int>& result) {
  if (result.ok()) return *result;
  PrintError(name, result.status());
  return kExitUsage;
}

CLI::App* AddRunCommand(CLI::App& parent, const std::string& name,
                        const std::string& description, RunFn* run,
                        CommandFn body) {
  // The root app's name is the program's, so it is not one of the words.
  std::string words =
      parent.get_parent() == nullptr ? name : parent.get_name() + " " + name;
  CLI::App* command = parent.add_subcommand(name, description);
  command->callback([run, words = std::move(words), body = std::move(body)] {
    *run = [words, body] { return Finish(words, body()); };
  });
  return command;
}

CLI::App* AddCommandGroup(CLI::App& parent, const std::string& name,
                          const std::string& description) {
  CLI::App* group = parent.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

void AddConfigOption(CLI::App& command, std::string& config) {
  command.add_option("--config", config, "the node's node.toml")->required();
}

void AddFederationDirOption(CLI::App& command, std::string& dir) {
  command.add_option("--dir", dir, "the federation directory")->required();
}

}  // namespace imeisync::cli
