// imeisync merkle ...: auditor utilities over hashes alone.
#include "cli/command.h"

namespace imeisync::cli {

void AddMerkleRootCommand(CLI::App& merkle, RunFn* run);
void AddMerkleVerifyCommands(CLI::App& merkle, RunFn* run);
void AddMerkleStateRootCommand(CLI::App& merkle, RunFn* run);

void AddMerkleCommand(CLI::App& app, RunFn* run) {
  CLI::App* merkle = AddCommandGroup(
      app, "merkle",
      "Compute Merkle roots and check proofs by hand (for auditors)");
  AddMerkleRootCommand(*merkle, run);
  AddMerkleVerifyCommands(*merkle, run);
  AddMerkleStateRootCommand(*merkle, run);
}

}  // namespace imeisync::cli
