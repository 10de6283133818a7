// imeisync merkle root: the RFC 9162 root of leaf data read from stdin.
#include <iostream>

#include "base/hex.h"
#include "cli/command.h"
#include "cli/hex_args.h"
#include "cli/merkle.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"

namespace imeisync::cli {
namespace {

struct RootArgs : JsonFlag {
  static constexpr const char* kJsonHelp =
      "print {\"size\":N,\"root\":\"<hex>\"}";

  void Bind(CLI::App&) {}

  static constexpr const char* kName = "root";
  static constexpr const char* kHelp =
      "Read leaf data as one hex string per line on stdin (an empty "
      "line is an empty leaf) and print the RFC 9162 Merkle tree root.";
};

Result<int> RunMerkleRoot(const RootArgs& a) {
  node::merkle::CompactRange range;
  IMEISYNC_RETURN_IF_ERROR(ForEachLine(
      std::cin, "stdin", [&](const std::string& line, size_t) -> Status {
        IMEISYNC_ASSIGN_OR_RETURN(Bytes data, HexDecode(line));
        range.Append(node::merkle::LogLeafHash(data));
        return Status::Ok();
      }));
  PrintRoot(a.json, "size", range.size(), range.Root());
  return kExitOk;
}

}  // namespace

void AddMerkleRootCommand(CLI::App& merkle, RunFn* run) {
  AddCommand(merkle, run, RunMerkleRoot);
}

}  // namespace imeisync::cli
