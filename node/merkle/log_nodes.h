// Where a log's perfect subtrees live, and the proofs built from them.
//
// A log of size n has one stored hash per perfect subtree: node (level k,
// index j) covers leaves [j * 2^k, (j + 1) * 2^k). Nodes are numbered in
// post-order, the order appends complete them, so storage is append-only.
// Every root, inclusion proof and consistency proof is assembled from
// O(log n) of these nodes.
#ifndef IMEISYNC_NODE_MERKLE_LOG_NODES_H_
#define IMEISYNC_NODE_MERKLE_LOG_NODES_H_

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node::merkle {

// Post-order position of node (level, index): the number of nodes
// completed before it.
uint64_t LogNodePosition(int level, uint64_t index);
// Number of nodes stored for a log of `size` leaves: 2 * size - popcount.
uint64_t LogNodeCount(uint64_t size);

// Read access to the perfect-subtree hashes of one log.
class LogNodeReader {
 public:
  virtual ~LogNodeReader() = default;
  // The hash of node (level, index). REQUIRES: that node is complete in the
  // log. DataLoss if storage lacks it.
  virtual Result<Hash32> Node(int level, uint64_t index) = 0;
};

// The RFC 9162 root of the first `size` leaves. REQUIRES: size <= the log's.
Result<Hash32> LogRootAt(LogNodeReader& nodes, uint64_t size);

// RFC 9162 section 2.1.3.1 PATH(index, D[0:size]), leaf side first.
// InvalidArgument unless index < size.
Result<std::vector<Hash32>> LogInclusionProof(LogNodeReader& nodes,
                                              uint64_t index, uint64_t size);

// RFC 9162 section 2.1.4.1 PROOF(size1, D[0:size2]).
// InvalidArgument unless 0 < size1 <= size2; empty when size1 == size2.
Result<std::vector<Hash32>> LogConsistencyProof(LogNodeReader& nodes,
                                                uint64_t size1, uint64_t size2);

}  // namespace imeisync::node::merkle

#endif  // IMEISYNC_NODE_MERKLE_LOG_NODES_H_
