// The state head: a node's signed statement "with these logs at these sizes
// and roots, my state root is R" (docs/formats.md "State head"). Two honest
// nodes with equal frontiers sign equal state roots; auditors check that.
//
// It is a C2SP signed note, signed with the node's checkpoint key under its
// origin name, whose text is (docs/formats.md "State head"):
//   imeisync/<federation>/<node>/state-head LF
//   <time, Unix ms, decimal> LF
//   <state root, base64> LF
//   <origin count, decimal> LF
//   then per origin, in byte order: <origin> SP <size> SP <root, base64> LF
// The first line differs from every checkpoint origin, so a state head can
// never be mistaken for a checkpoint.
#ifndef IMEISYNC_NODE_STATE_STATE_HEAD_H_
#define IMEISYNC_NODE_STATE_STATE_HEAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node::state {

struct FrontierEntry {
  std::string origin;
  uint64_t size = 0;
  Hash32 root{};
  friend bool operator==(const FrontierEntry&, const FrontierEntry&) = default;
};

struct StateHead {
  std::string node_origin;  // "imeisync/<federation>/<node>"
  uint64_t time_ms = 0;
  Hash32 state_root{};
  std::vector<FrontierEntry> frontier;  // sorted by origin, no duplicates
  friend bool operator==(const StateHead&, const StateHead&) = default;
};

// The note text of `head`. REQUIRES: frontier sorted and unique.
std::string FormatStateHeadText(const StateHead& head);

// Strict inverse of FormatStateHeadText. InvalidArgument naming the line.
Result<StateHead> ParseStateHeadText(std::string_view text);

}  // namespace imeisync::node::state

#endif  // IMEISYNC_NODE_STATE_STATE_HEAD_H_
