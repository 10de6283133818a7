// imeisync merkle root: the RFC 9162 root of leaf data read from stdin.
#include <iostream>

#include "base/hex.h"
#include "cli/command.h"
#include "cli/hex_args.h"
#include "cli/output.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"

namespace imeisync::cli {
namespace {

struct RootArgs {
  bool json = false;

  void Bind(CLI::App& c) {
    AddJsonFlag(c, json, "print {\"size\":N,\"root\":\"<hex>\"}");
  }

  static constexpr const char* kName = "root";
  static constexpr const char* kHelp =
      "Read leaf data as one hex string per line on stdin (an empty "
      "line is an empty leaf) and print the RFC 9162 Merkle tree root.";
};

Result<int> RunMerkleRoot(const RootArgs& a) {
  node::merkle::CompactRange range;
  size_t line_number = 0;
  for (const std::string& line : ReadLines(std::cin)) {
    ++line_number;
    auto data = HexDecode(line);
    if (!data.ok()) {
      return data.status().WithContext("stdin line " +
                                       std::to_string(line_number));
    }
    range.Append(node::merkle::LogLeafHash(*data));
  }
  std::string root = HexEncode(range.Root());
  PrintResult(a.json, {{"size", range.size()}, {"root", root}}, root);
  return kExitOk;
}

}  // namespace

void AddMerkleRootCommand(CLI::App& merkle, RunFn* run) {
  AddCommand(merkle, run, RunMerkleRoot);
}

}  // namespace imeisync::cli
