#include "cli/entry_args.h"

namespace imeisync::cli {

void AddActionOption(CLI::App& command, const std::string& option,
                     std::string& name) {
  command
      .add_option(option, name, "block, clear, register, deregister or allow")
      ->required();
}

Result<node::Action> ParseActionArg(const std::string& name) {
  auto action = node::ParseAction(name);
  if (!action) {
    return InvalidArgument("unknown action \"" + name +
                           "\" (block, clear, register, deregister, allow)");
  }
  return *action;
}

Result<node::Reason> ParseReasonArg(const std::string& name) {
  auto reason = node::ParseReason(name);
  if (!reason) return InvalidArgument("unknown reason \"" + name + "\"");
  return *reason;
}

}  // namespace imeisync::cli
