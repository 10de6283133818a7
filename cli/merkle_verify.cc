// imeisync merkle verify-inclusion | verify-consistency: RFC 9162 proof
// checks for auditors, from hashes alone.
#include <iostream>

#include "cli/command.h"
#include "cli/hex_args.h"
#include "cli/output.h"
#include "node/merkle/log_proof.h"

namespace imeisync::cli {
namespace {

struct InclusionArgs {
  uint64_t index = 0, size = 0;
  std::string leaf_hash, root, proof;
  bool json = false;
};

struct ConsistencyArgs {
  uint64_t size1 = 0, size2 = 0;
  std::string root1, root2, proof;
  bool json = false;
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

int RunVerifyInclusion(const InclusionArgs& a) {
  constexpr std::string_view kCmd = "merkle verify-inclusion";
  auto leaf = ParseHashArg("--leaf-hash", a.leaf_hash);
  auto root = ParseHashArg("--root", a.root);
  auto proof = ParseHashList("--proof", a.proof);
  for (const Status& s : {leaf.status(), root.status(), proof.status()}) {
    if (!s.ok()) {
      PrintError(kCmd, s);
      return kExitUsage;
    }
  }
  return Report(
      kCmd,
      node::merkle::VerifyInclusion(a.index, a.size, *leaf, *proof, *root),
      a.json);
}

int RunVerifyConsistency(const ConsistencyArgs& a) {
  constexpr std::string_view kCmd = "merkle verify-consistency";
  auto root1 = ParseHashArg("--root1", a.root1);
  auto root2 = ParseHashArg("--root2", a.root2);
  auto proof = ParseHashList("--proof", a.proof);
  for (const Status& s : {root1.status(), root2.status(), proof.status()}) {
    if (!s.ok()) {
      PrintError(kCmd, s);
      return kExitUsage;
    }
  }
  return Report(
      kCmd,
      node::merkle::VerifyConsistency(a.size1, a.size2, *root1, *root2, *proof),
      a.json);
}

}  // namespace

void AddMerkleVerifyCommands(CLI::App& merkle, RunFn* run) {
  auto inc = std::make_shared<InclusionArgs>();
  CLI::App* vi = merkle.add_subcommand(
      "verify-inclusion",
      "Check an RFC 9162 inclusion proof. Exit 0 valid, 1 invalid (reason on "
      "stderr), 2 unusable arguments.");
  vi->add_option("--index", inc->index, "0-based leaf index")->required();
  vi->add_option("--size", inc->size, "tree size (number of leaves)")
      ->required();
  vi->add_option("--leaf-hash", inc->leaf_hash, "leaf hash, 64 hex")
      ->required();
  vi->add_option("--root", inc->root,
                 "root of the tree of --size leaves, 64 hex")
      ->required();
  vi->add_option("--proof", inc->proof,
                 "audit path h1,h2,... leaf side first (empty: none)");
  vi->add_flag("--json", inc->json, "print {\"valid\":bool[,\"reason\":...]}");
  vi->callback(
      [run, inc] { *run = [inc] { return RunVerifyInclusion(*inc); }; });

  auto con = std::make_shared<ConsistencyArgs>();
  CLI::App* vc =
      merkle.add_subcommand("verify-consistency",
                            "Check an RFC 9162 consistency proof that the tree "
                            "of --size1 leaves is a "
                            "prefix of the tree of --size2. Exit 0 valid, 1 "
                            "invalid, 2 unusable arguments.");
  vc->add_option("--size1", con->size1, "older tree size, at least 1")
      ->required();
  vc->add_option("--size2", con->size2, "newer tree size")->required();
  vc->add_option("--root1", con->root1, "root at --size1, 64 hex")->required();
  vc->add_option("--root2", con->root2, "root at --size2, 64 hex")->required();
  vc->add_option("--proof", con->proof,
                 "consistency proof h1,h2,... (empty: none)");
  vc->add_flag("--json", con->json, "print {\"valid\":bool[,\"reason\":...]}");
  vc->callback(
      [run, con] { *run = [con] { return RunVerifyConsistency(*con); }; });
}

}  // namespace imeisync::cli
