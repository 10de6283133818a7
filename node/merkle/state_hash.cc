#include "node/merkle/state_hash.h"

#include <algorithm>

namespace imeisync::node::merkle {
namespace {

using Iter = std::vector<StatePair>::const_iterator;

Hash32 SubtreeHash(Iter begin, Iter end, int bit) {
  if (begin == end) return kEmptyStateHash;
  if (end - begin == 1) return StateLeafHash(begin->first, begin->second);
  Iter mid = std::partition_point(begin, end, [bit](const StatePair& p) {
    return KeyBit(p.first, bit) == 0;
  });
  return StateNodeHash(SubtreeHash(begin, mid, bit + 1),
                       SubtreeHash(mid, end, bit + 1));
}

}  // namespace

Hash32 ComputeStateRoot(const std::vector<StatePair>& pairs) {
  return SubtreeHash(pairs.begin(), pairs.end(), 0);
}

}  // namespace imeisync::node::merkle
