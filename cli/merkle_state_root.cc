// imeisync merkle state-root: the state-tree root of key/value pairs.
#include <algorithm>
#include <iostream>

#include "base/hex.h"
#include "cli/command.h"
#include "cli/hex_args.h"
#include "cli/merkle.h"
#include "node/merkle/state_hash.h"

namespace imeisync::cli {
namespace {

using node::merkle::StatePair;

Result<StatePair> ParsePairLine(const std::string& line) {
  size_t space = line.find_first_of(" \t");
  if (space == std::string::npos) {
    return InvalidArgument(
        "expected \"<key> <value>\", 64 hex each, separated by a space");
  }
  size_t value_at = line.find_first_not_of(" \t", space);
  if (value_at == std::string::npos)
    return InvalidArgument("value missing after the key");
  size_t value_end = line.find_last_not_of(" \t");
  IMEISYNC_ASSIGN_OR_RETURN(
      Hash32 key, ParseHashArg("key", std::string_view(line).substr(0, space)));
  IMEISYNC_ASSIGN_OR_RETURN(
      Hash32 value,
      ParseHashArg("value", std::string_view(line).substr(
                                value_at, value_end + 1 - value_at)));
  return StatePair{key, value};
}

struct StateRootArgs : JsonFlag {
  static constexpr const char* kJsonHelp =
      "print {\"keys\":N,\"root\":\"<hex>\"}";

  void Bind(CLI::App&) {}

  static constexpr const char* kName = "state-root";
  static constexpr const char* kHelp =
      "Read \"<key> <value>\" pairs (64 hex each, any order, one per "
      "line) on stdin and print the state-tree root. A key given twice "
      "is an error.";
};

Result<int> RunStateRoot(const StateRootArgs& a) {
  std::vector<StatePair> pairs;
  std::vector<size_t> line_of;
  IMEISYNC_RETURN_IF_ERROR(ForEachLine(
      std::cin, "stdin", [&](const std::string& line, size_t number) -> Status {
        if (line.find_first_not_of(" \t") == std::string::npos) {
          return Status::Ok();
        }
        IMEISYNC_ASSIGN_OR_RETURN(StatePair pair, ParsePairLine(line));
        pairs.push_back(pair);
        line_of.push_back(number);
        return Status::Ok();
      }));
  std::vector<size_t> order(pairs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return pairs[x].first < pairs[y].first;
  });
  std::vector<StatePair> sorted;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i > 0 && pairs[order[i]].first == pairs[order[i - 1]].first) {
      return InvalidArgument("key " + HexEncode(pairs[order[i]].first) +
                             " is given twice (lines " +
                             std::to_string(line_of[order[i - 1]]) + " and " +
                             std::to_string(line_of[order[i]]) + ")");
    }
    sorted.push_back(pairs[order[i]]);
  }
  PrintRoot(a.json, "keys", sorted.size(),
            node::merkle::ComputeStateRoot(sorted));
  return kExitOk;
}

}  // namespace

void AddMerkleStateRootCommand(CLI::App& merkle, RunFn* run) {
  AddCommand(merkle, run, RunStateRoot);
}

}  // namespace imeisync::cli
