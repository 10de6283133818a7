// imeisync merkle ...: auditor utilities over hashes alone.
#include "cli/merkle.h"

#include <string>

#include "base/hex.h"
#include "cli/output.h"

namespace imeisync::cli {

void AddMerkleCommand(CLI::App& app, RunFn* run) {
  CLI::App* merkle = AddCommandGroup(
      app, "merkle",
      "Compute Merkle roots and check proofs by hand (for auditors)");
  AddMerkleRootCommand(*merkle, run);
  AddMerkleVerifyCommands(*merkle, run);
  AddMerkleStateRootCommand(*merkle, run);
}

void PrintRoot(bool json, std::string_view count_key, uint64_t count,
               const Hash32& root) {
  const std::string hex = HexEncode(root);
  PrintResult(json, {{std::string(count_key), count}, {"root", hex}}, hex);
}

}  // namespace imeisync::cli
