// imeisync tag (--salt-file FILE | --oprf-key FILE) IMEI...
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/hex.h"
#include "cli/command.h"
#include "cli/imei_lines.h"
#include "crypto/device_tag.h"
#include "crypto/oprf.h"

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
// malformed IMEI, quoting at most 40 characters of it (the lines before it
// stay printed).
Result<int> PrintTags(
    const std::vector<std::string>& inputs,
    const std::function<Result<Hash32>(std::string_view)>& tag) {
  return PrintImeiLines(
      inputs, 40,
      [&](const std::string&,
          const node::Imei& imei) -> Result<nlohmann::ordered_json> {
        IMEISYNC_ASSIGN_OR_RETURN(Hash32 t, tag(imei.imei14()));
        return nlohmann::ordered_json{{"imei14", std::string(imei.imei14())},
                                      {"tag", HexEncode(t)}};
      });
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
