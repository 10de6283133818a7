#include "node/merkle/log_nodes.h"

#include <bit>
#include <string>

#include "node/merkle/log_hash.h"

namespace imeisync::node::merkle {
namespace {

// Largest power of two strictly below n. REQUIRES: n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH of leaves [begin, end). REQUIRES: begin < end and begin is a multiple
// of bit_floor(end - begin), true of every range RFC 9162's recursion
// visits; the range then splits into aligned perfect subtrees.
Result<Hash32> RangeHash(LogNodeReader& nodes, uint64_t begin, uint64_t end) {
  Hash32 parts[64];
  int count = 0;
  uint64_t at = begin;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((end - begin) & width) {
      IMEISYNC_ASSIGN_OR_RETURN(parts[count], nodes.Node(level, at >> level));
      ++count;
      at += width;
    }
  }
  Hash32 h = parts[count - 1];
  for (int i = count - 1; i-- > 0;) h = LogNodeHash(parts[i], h);
  return h;
}

Status AppendPath(LogNodeReader& nodes, uint64_t m, uint64_t begin,
                  uint64_t end, std::vector<Hash32>& out) {
  if (end - begin == 1) return Status::Ok();
  uint64_t k = SplitPoint(end - begin);
  if (m < begin + k) {
    IMEISYNC_RETURN_IF_ERROR(AppendPath(nodes, m, begin, begin + k, out));
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 h, RangeHash(nodes, begin + k, end));
    out.push_back(h);
  } else {
    IMEISYNC_RETURN_IF_ERROR(AppendPath(nodes, m, begin + k, end, out));
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 h, RangeHash(nodes, begin, begin + k));
    out.push_back(h);
  }
  return Status::Ok();
}

Status AppendSubproof(LogNodeReader& nodes, uint64_t m, uint64_t begin,
                      uint64_t end, bool whole, std::vector<Hash32>& out) {
  if (m == end) {
    if (!whole) {
      IMEISYNC_ASSIGN_OR_RETURN(Hash32 h, RangeHash(nodes, begin, end));
      out.push_back(h);
    }
    return Status::Ok();
  }
  uint64_t k = SplitPoint(end - begin);
  if (m <= begin + k) {
    IMEISYNC_RETURN_IF_ERROR(
        AppendSubproof(nodes, m, begin, begin + k, whole, out));
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 h, RangeHash(nodes, begin + k, end));
    out.push_back(h);
  } else {
    IMEISYNC_RETURN_IF_ERROR(
        AppendSubproof(nodes, m, begin + k, end, false, out));
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 h, RangeHash(nodes, begin, begin + k));
    out.push_back(h);
  }
  return Status::Ok();
}

}  // namespace

uint64_t LogNodeCount(uint64_t size) { return 2 * size - std::popcount(size); }

uint64_t LogNodePosition(int level, uint64_t index) {
  uint64_t completed_at = (index + 1) << level;
  // Nodes above it completed by the same append come after it.
  return LogNodeCount(completed_at) - 1 - std::countr_zero(index + 1);
}

Result<Hash32> LogRootAt(LogNodeReader& nodes, uint64_t size) {
  if (size == 0) return EmptyLogRoot();
  return RangeHash(nodes, 0, size);
}

Result<std::vector<Hash32>> LogInclusionProof(LogNodeReader& nodes,
                                              uint64_t index, uint64_t size) {
  if (index >= size) {
    return InvalidArgument("inclusion proof: index " + std::to_string(index) +
                           " is not below size " + std::to_string(size));
  }
  std::vector<Hash32> out;
  IMEISYNC_RETURN_IF_ERROR(AppendPath(nodes, index, 0, size, out));
  return out;
}

Result<std::vector<Hash32>> LogConsistencyProof(LogNodeReader& nodes,
                                                uint64_t size1,
                                                uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return InvalidArgument("consistency proof needs 0 < size1 <= size2, got " +
                           std::to_string(size1) + " and " +
                           std::to_string(size2));
  }
  std::vector<Hash32> out;
  if (size1 < size2) {
    IMEISYNC_RETURN_IF_ERROR(AppendSubproof(nodes, size1, 0, size2, true, out));
  }
  return out;
}

}  // namespace imeisync::node::merkle
