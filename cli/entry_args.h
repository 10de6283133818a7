// An entry's action and reason as submit and import take them on the command
// line (the names node/entry.h parses, any case).
#ifndef IMEISYNC_CLI_ENTRY_ARGS_H_
#define IMEISYNC_CLI_ENTRY_ARGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "base/status.h"
#include "node/entry.h"

namespace imeisync::cli {

// Adds `option` ("ACTION", "--action"), required, for the name of an action
// that ParseActionArg reads.
void AddActionOption(CLI::App& command, const std::string& option,
                     std::string& name);

// InvalidArgument `unknown action "<name>" (block, clear, ...)` for a name
// that is not an action.
Result<node::Action> ParseActionArg(const std::string& name);

// InvalidArgument `unknown reason "<name>"` for a name that is not a reason.
Result<node::Reason> ParseReasonArg(const std::string& name);

}  // namespace imeisync::cli

#endif  // IMEISYNC_CLI_ENTRY_ARGS_H_
