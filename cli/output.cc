#include "cli/output.h"

#include <cstdio>
#include <string>

namespace imeisync::cli {

void PrintJsonLine(const nlohmann::ordered_json& obj) {
  std::string line =
      obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

void PrintResult(bool json, const nlohmann::ordered_json& obj,
                 std::string_view text) {
  if (json) {
    PrintJsonLine(obj);
    return;
  }
  std::string line(text);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

void PrintError(std::string_view context, const Status& status) {
  std::fprintf(stderr, "imeisync: %.*s: %s\n", static_cast<int>(context.size()),
               context.data(), status.message().c_str());
}

}  // namespace imeisync::cli
