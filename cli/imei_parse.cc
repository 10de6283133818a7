// imeisync imei parse IMEI...
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/output.h"
#include "node/imei.h"

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
  for (const std::string& input : a.imeis) {
    auto imei = node::Imei::Parse(input);
    if (!imei.ok()) {
      // Named by the IMEI rather than the command.
      PrintError("invalid IMEI \"" + input + "\"", imei.status());
      return kExitUsage;
    }
    nlohmann::ordered_json line;
    line["input"] = input;
    line["imei14"] = std::string(imei->imei14());
    line["imei15"] = imei->imei15();
    line["tac"] = std::string(imei->tac());
    line["serial"] = std::string(imei->serial());
    PrintJsonLine(line);
  }
  return kExitOk;
}

}  // namespace

void AddImeiCommand(CLI::App& app, RunFn* run) {
  CLI::App* imei = AddCommandGroup(app, "imei", "IMEI utilities");
  AddCommand(*imei, run, RunImeiParse);
}

}  // namespace imeisync::cli
