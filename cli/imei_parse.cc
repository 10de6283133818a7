// imeisync imei parse IMEI...
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/imei_lines.h"

namespace imeisync::cli {
namespace {

struct ParseArgs {
  std::vector<std::string> imeis;

  void Bind(CLI::App& c) {
    c.add_option("IMEI", imeis, "IMEIs to parse")->required();
  }

  static constexpr const char* kName = "parse";
  static constexpr const char* kHelp =
      "Normalise IMEIs (14, 15 with Luhn check digit, or 16-digit "
      "IMEISV; separators ' -/.' ignored) and print one JSON object per "
      "line. Exits 2 at the first invalid IMEI, after printing the "
      "valid ones before it.";
};

Result<int> RunImeiParse(const ParseArgs& a) {
  return PrintImeiLines(
      a.imeis, std::string::npos,
      [](const std::string& input,
         const node::Imei& imei) -> Result<nlohmann::ordered_json> {
        return nlohmann::ordered_json{{"input", input},
                                      {"imei14", std::string(imei.imei14())},
                                      {"imei15", imei.imei15()},
                                      {"tac", std::string(imei.tac())},
                                      {"serial", std::string(imei.serial())}};
      });
}

}  // namespace

void AddImeiCommand(CLI::App& app, RunFn* run) {
  AddCommandGroup(app, "imei", "IMEI utilities", run, RunImeiParse);
}

}  // namespace imeisync::cli
