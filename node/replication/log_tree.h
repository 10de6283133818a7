// One origin's RFC 9162 log, persisted in an LMDB database.
//
// Layout inside `db` (shared by all origins; docs/formats.md "Log
// storage"):
//   origin-prefix 'r'            -> compact range of the whole log
//   origin-prefix 'c' chunk(8)   -> hashes of nodes 32*chunk .. 32*chunk+31
// where origin-prefix = len(1) origin, and nodes are numbered in post-order
// (log_nodes.h). Appending n leaves writes about 2n hashes in n/16 values;
// a root or proof reads O(log n) values.
#ifndef IMEISYNC_NODE_REPLICATION_LOG_TREE_H_
#define IMEISYNC_NODE_REPLICATION_LOG_TREE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/compact_range.h"
#include "node/store/txn.h"

namespace imeisync::node::replication {

inline constexpr uint64_t kLogChunkHashes = 32;

class TxnLogNodes;  // log_tree.cc

class LogTree {
 public:
  // REQUIRES: 1 <= origin.size() <= 255.
  LogTree(store::Db db, std::string origin);

  // The compact range of the whole log (size 0 if nothing was appended).
  Result<merkle::CompactRange> Range(const store::Txn& txn) const;
  Result<uint64_t> Size(const store::Txn& txn) const;

  // Appends leaf hashes (LogLeafHash of each entry) and returns the new
  // root. Nothing is committed until the caller's transaction is: a caller
  // that finds the root wrong returns an error and the append is undone.
  Result<Hash32> Append(store::WriteTxn& txn,
                        std::span<const Hash32> leaf_hashes);

  // Root of the first `size` leaves. InvalidArgument if size > Size().
  Result<Hash32> RootAt(const store::Txn& txn, uint64_t size) const;
  // Hash of leaf `index`. InvalidArgument unless index < Size().
  Result<Hash32> LeafHash(const store::Txn& txn, uint64_t index) const;
  // InvalidArgument unless index < size <= Size().
  Result<std::vector<Hash32>> InclusionProof(const store::Txn& txn,
                                             uint64_t index,
                                             uint64_t size) const;
  // InvalidArgument unless 0 < size1 <= size2 <= Size().
  Result<std::vector<Hash32>> ConsistencyProof(const store::Txn& txn,
                                               uint64_t size1,
                                               uint64_t size2) const;

 private:
  Bytes RangeKey() const;
  Bytes ChunkKey(uint64_t chunk) const;
  // A reader of this log's nodes through `txn`, once size <= Size() is
  // checked; InvalidArgument otherwise.
  Result<TxnLogNodes> NodesUpTo(const store::Txn& txn, uint64_t size) const;
  friend class TxnLogNodes;

  store::Db db_;
  std::string origin_;
  Bytes prefix_;
};

}  // namespace imeisync::node::replication

#endif  // IMEISYNC_NODE_REPLICATION_LOG_TREE_H_
