// The `merkle` command group (cli/merkle.cc): the adders of its
// subcommands, one file each, and the output they share.
#ifndef IMEISYNC_CLI_MERKLE_H_
#define IMEISYNC_CLI_MERKLE_H_

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "cli/command.h"

namespace imeisync::cli {

void AddMerkleRootCommand(CLI::App& merkle, RunFn* run);
void AddMerkleVerifyCommands(CLI::App& merkle, RunFn* run);
void AddMerkleStateRootCommand(CLI::App& merkle, RunFn* run);

// Prints a computed root: {"<count_key>":count,"root":"<hex>"} when `json`,
// else the hex alone.
void PrintRoot(bool json, std::string_view count_key, uint64_t count,
               const Hash32& root);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_MERKLE_H_
