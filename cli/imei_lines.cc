#include "cli/imei_lines.h"

#include "cli/command.h"
#include "cli/output.h"

namespace imeisync::cli {

Result<int> PrintImeiLines(const std::vector<std::string>& inputs,
                           size_t quoted_chars, const ImeiLineFn& line) {
  for (const std::string& input : inputs) {
    auto imei = node::Imei::Parse(input);
    if (!imei.ok()) {
      // Named by the IMEI rather than the command.
      PrintError("invalid IMEI \"" + input.substr(0, quoted_chars) + "\"",
                 imei.status());
      return kExitUsage;
    }
    IMEISYNC_ASSIGN_OR_RETURN(nlohmann::ordered_json json, line(input, *imei));
    PrintJsonLine(json);
  }
  return kExitOk;
}

}  // namespace imeisync::cli
