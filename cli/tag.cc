// imeisync tag (--salt-file FILE | --oprf-key FILE) IMEI...
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/hex.h"
#include "cli/command.h"
#include "cli/output.h"
#include "crypto/device_tag.h"
#include "crypto/oprf.h"
#include "node/imei.h"

namespace imeisync::cli {
namespace {

struct TagArgs {
  std::string salt_file;
  std::string oprf_key;
  std::vector<std::string> imeis;

  void Bind(CLI::App& c) {
    c.add_option("--salt-file", salt_file,
                 "salted mode: file holding the 32-byte federation salt as 64 "
                 "hex characters");
    c.add_option("--oprf-key", oprf_key,
                 "oprf mode: file holding the 32-byte OPRF key as 64 hex "
                 "characters (the ministry's oprf.key)");
    c.add_option("IMEI", imeis, "IMEIs to tag")->required();
  }

  static constexpr const char* kName = "tag";
  static constexpr const char* kHelp =
      "Compute device tags. Salted mode: HMAC-SHA256(salt, "
      "\"imeisync/tag/v1\" || imei14). Oprf mode (the ministry, with "
      "the key): the RFC 9497 VOPRF P256-SHA256 output of imei14. "
      "Prints one JSON object per line.";
};

// Prints one {"imei14", "tag"} line per IMEI, in order; stops at the first
// malformed IMEI (the lines before it stay printed).
Result<int> PrintTags(
    const std::vector<std::string>& inputs,
    const std::function<Result<Hash32>(std::string_view)>& tag) {
  for (const std::string& input : inputs) {
    auto imei = node::Imei::Parse(input);
    if (!imei.ok()) {
      // Named by the IMEI rather than the command, as imei parse does.
      PrintError("invalid IMEI \"" + input.substr(0, 40) + "\"", imei.status());
      return kExitUsage;
    }
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 t, tag(imei->imei14()));
    nlohmann::ordered_json line;
    line["imei14"] = std::string(imei->imei14());
    line["tag"] = HexEncode(t);
    PrintJsonLine(line);
  }
  return kExitOk;
}

Result<int> RunTag(const TagArgs& args) {
  if (args.salt_file.empty() == args.oprf_key.empty()) {
    return InvalidArgument(
        "give exactly one of --salt-file (salted mode) and --oprf-key (oprf "
        "mode)");
  }
  if (!args.salt_file.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Salt salt,
                              crypto::Salt::LoadFile(args.salt_file));
    crypto::Tagger tagger(salt);
    return PrintTags(args.imeis, [&](std::string_view imei14) {
      return Result<Hash32>(tagger.Tag(imei14));
    });
  }
  IMEISYNC_ASSIGN_OR_RETURN(crypto::OprfPrivateKey key,
                            crypto::OprfPrivateKey::LoadFile(args.oprf_key));
  crypto::OprfServer server(crypto::OprfMode::kVoprf, key);
  return PrintTags(args.imeis, [&](std::string_view imei14) {
    return server.Evaluate(AsBytes(imei14));
  });
}

}  // namespace

void AddTagCommand(CLI::App& app, RunFn* run) { AddCommand(app, run, RunTag); }

}  // namespace imeisync::cli
