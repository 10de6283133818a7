// Runs a program the way a shell user would, capturing what it prints.
#ifndef IMEISYNC_TESTS_SUPPORT_RUN_COMMAND_H_
#define IMEISYNC_TESTS_SUPPORT_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace imeisync::testing {

struct CommandResult {
  int exit_code;  // the exit status, or 128 + signal number if killed
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with `argv`, feeding `input` on stdin. Blocks until
// it exits; a program still running after `timeout_seconds` is killed.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::string& input = "",
                         int timeout_seconds = 60);

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_SUPPORT_RUN_COMMAND_H_
