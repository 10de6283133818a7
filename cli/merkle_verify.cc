// imeisync merkle verify-inclusion | verify-consistency: RFC 9162 proof
// checks for auditors, from hashes alone.
#include <iostream>

#include "cli/command.h"
#include "cli/hex_args.h"
#include "cli/output.h"
#include "node/merkle/log_proof.h"

namespace imeisync::cli {
namespace {

constexpr const char* kValidJson = "print {\"valid\":bool[,\"reason\":...]}";

struct InclusionArgs : JsonFlag {
  static constexpr const char* kJsonHelp = kValidJson;

  uint64_t index = 0, size = 0;
  std::string leaf_hash, root, proof;

  void Bind(CLI::App& c) {
    c.add_option("--index", index, "0-based leaf index")->required();
    c.add_option("--size", size, "tree size (number of leaves)")->required();
    c.add_option("--leaf-hash", leaf_hash, "leaf hash, 64 hex")->required();
    c.add_option("--root", root, "root of the tree of --size leaves, 64 hex")
        ->required();
    c.add_option("--proof", proof,
                 "audit path h1,h2,... leaf side first (empty: none)");
  }

  static constexpr const char* kName = "verify-inclusion";
  static constexpr const char* kHelp =
      "Check an RFC 9162 inclusion proof. Exit 0 valid, 1 invalid "
      "(reason on stderr), 2 unusable arguments.";
};

struct ConsistencyArgs : JsonFlag {
  static constexpr const char* kJsonHelp = kValidJson;

  uint64_t size1 = 0, size2 = 0;
  std::string root1, root2, proof;

  void Bind(CLI::App& c) {
    c.add_option("--size1", size1, "older tree size, at least 1")->required();
    c.add_option("--size2", size2, "newer tree size")->required();
    c.add_option("--root1", root1, "root at --size1, 64 hex")->required();
    c.add_option("--root2", root2, "root at --size2, 64 hex")->required();
    c.add_option("--proof", proof, "consistency proof h1,h2,... (empty: none)");
  }

  static constexpr const char* kName = "verify-consistency";
  static constexpr const char* kHelp =
      "Check an RFC 9162 consistency proof that the tree of --size1 "
      "leaves is a prefix of the tree of --size2. Exit 0 valid, 1 "
      "invalid, 2 unusable arguments.";
};

// Prints the verdict and maps it to the exit status.
int Report(std::string_view command, const Status& verdict, bool json) {
  nlohmann::ordered_json out{{"valid", verdict.ok()}};
  if (!verdict.ok()) out["reason"] = verdict.message();
  if (json || verdict.ok()) PrintResult(json, out, "valid");
  if (!verdict.ok()) {
    PrintError(std::string(command) + ": invalid", verdict);
    return kExitInvalid;
  }
  return kExitOk;
}

Result<int> RunVerifyInclusion(const InclusionArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 leaf,
                            ParseHashArg("--leaf-hash", a.leaf_hash));
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 root, ParseHashArg("--root", a.root));
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> proof,
                            ParseHashList("--proof", a.proof));
  return Report(
      "merkle verify-inclusion",
      node::merkle::VerifyInclusion(a.index, a.size, leaf, proof, root),
      a.json);
}

Result<int> RunVerifyConsistency(const ConsistencyArgs& a) {
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 root1, ParseHashArg("--root1", a.root1));
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 root2, ParseHashArg("--root2", a.root2));
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> proof,
                            ParseHashList("--proof", a.proof));
  return Report(
      "merkle verify-consistency",
      node::merkle::VerifyConsistency(a.size1, a.size2, root1, root2, proof),
      a.json);
}

}  // namespace

void AddMerkleVerifyCommands(CLI::App& merkle, RunFn* run) {
  AddCommand(merkle, run, RunVerifyInclusion);
  AddCommand(merkle, run, RunVerifyConsistency);
}

}  // namespace imeisync::cli
