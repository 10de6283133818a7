// imeisync tag --salt-file FILE IMEI...
#include <memory>
#include <string>
#include <vector>

#include "base/hex.h"
#include "cli/command.h"
#include "cli/output.h"
#include "crypto/device_tag.h"
#include "node/imei.h"

namespace imeisync::cli {
namespace {

struct TagArgs {
  std::string salt_file;
  std::vector<std::string> imeis;
};

int RunTag(const TagArgs& args) {
  auto salt = crypto::Salt::LoadFile(args.salt_file);
  if (!salt.ok()) {
    PrintError("tag", salt.status());
    return kExitUsage;
  }
  crypto::Tagger tagger(*salt);
  for (const std::string& input : args.imeis) {
    auto imei = node::Imei::Parse(input);
    if (!imei.ok()) {
      PrintError("invalid IMEI \"" + input + "\"", imei.status());
      return kExitUsage;
    }
    nlohmann::ordered_json line;
    line["imei14"] = std::string(imei->imei14());
    line["tag"] = HexEncode(tagger.Tag(imei->imei14()));
    PrintJsonLine(line);
  }
  return kExitOk;
}

}  // namespace

void AddTagCommand(CLI::App& app, RunFn* run) {
  CLI::App* tag = app.add_subcommand(
      "tag",
      "Compute salted device tags: HMAC-SHA256(salt, \"imeisync/tag/v1\" || "
      "imei14). Prints one JSON object per line.");
  auto args = std::make_shared<TagArgs>();
  tag->add_option(
         "--salt-file", args->salt_file,
         "file holding the 32-byte federation salt as 64 hex characters")
      ->required();
  tag->add_option("IMEI", args->imeis, "IMEIs to tag")->required();
  tag->callback([run, args] { *run = [args] { return RunTag(*args); }; });
}

}  // namespace imeisync::cli
