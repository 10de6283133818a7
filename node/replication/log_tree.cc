#include "node/replication/log_tree.h"

#include <algorithm>
#include <cassert>

#include "base/big_endian.h"
#include "node/merkle/log_nodes.h"

namespace imeisync::node::replication {

using merkle::CompactRange;
using merkle::LogConsistencyProof;
using merkle::LogInclusionProof;
using merkle::LogNodeCount;
using merkle::LogNodePosition;
using merkle::LogNodeReader;
using merkle::LogRootAt;

// Reads nodes of one log through a transaction, keeping the last chunk.
class TxnLogNodes : public LogNodeReader {
 public:
  TxnLogNodes(const LogTree& tree, const store::Txn& txn)
      : tree_(tree), txn_(txn) {}

  Result<Hash32> Node(int level, uint64_t index) override {
    uint64_t pos = LogNodePosition(level, index);
    uint64_t chunk = pos / kLogChunkHashes;
    if (!have_ || chunk != chunk_) {
      auto v = txn_.Get(tree_.db_, tree_.ChunkKey(chunk));
      if (!v.ok()) {
        return DataLoss("log " + tree_.origin_ + ": node chunk " +
                        std::to_string(chunk) +
                        " unreadable: " + v.status().message());
      }
      value_ = *v;
      chunk_ = chunk;
      have_ = true;
    }
    size_t off = (pos % kLogChunkHashes) * 32;
    if (value_.size() < off + 32 || value_.size() % 32 != 0) {
      return DataLoss("log " + tree_.origin_ + ": node chunk " +
                      std::to_string(chunk_) + " is " +
                      std::to_string(value_.size()) +
                      " bytes, too short for node " + std::to_string(pos));
    }
    Hash32 h;
    std::copy_n(value_.begin() + static_cast<ptrdiff_t>(off), 32, h.begin());
    return h;
  }

 private:
  const LogTree& tree_;
  const store::Txn& txn_;
  bool have_ = false;
  uint64_t chunk_ = 0;
  ByteView value_;
};

LogTree::LogTree(store::Db db, std::string origin)
    : db_(db), origin_(std::move(origin)) {
  assert(!origin_.empty() && origin_.size() <= 255);
  prefix_.resize(1 + origin_.size());
  prefix_[0] = static_cast<uint8_t>(origin_.size());
  std::copy(origin_.begin(), origin_.end(), prefix_.begin() + 1);
}

Bytes LogTree::RangeKey() const {
  Bytes k = prefix_;
  k.push_back('r');
  return k;
}

Bytes LogTree::ChunkKey(uint64_t chunk) const {
  Bytes k = prefix_;
  k.push_back('c');
  AppendU64(k, chunk);
  return k;
}

Result<CompactRange> LogTree::Range(const store::Txn& txn) const {
  auto v = txn.Get(db_, RangeKey());
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) return CompactRange();
    return v.status();
  }
  auto r = CompactRange::Decode(*v);
  if (!r.ok())
    return DataLoss("log " + origin_ +
                    ": stored compact range: " + r.status().message());
  return r;
}

Result<uint64_t> LogTree::Size(const store::Txn& txn) const {
  IMEISYNC_ASSIGN_OR_RETURN(CompactRange r, Range(txn));
  return r.size();
}

Result<Hash32> LogTree::Append(store::WriteTxn& txn,
                               std::span<const Hash32> leaf_hashes) {
  IMEISYNC_ASSIGN_OR_RETURN(CompactRange range, Range(txn));
  uint64_t pos = LogNodeCount(range.size());
  uint64_t chunk = pos / kLogChunkHashes;
  Bytes buffer;
  buffer.reserve(kLogChunkHashes * 32);
  if (pos % kLogChunkHashes != 0) {
    IMEISYNC_ASSIGN_OR_RETURN(ByteView partial, txn.Get(db_, ChunkKey(chunk)));
    if (partial.size() != (pos % kLogChunkHashes) * 32) {
      return DataLoss("log " + origin_ + ": last node chunk is " +
                      std::to_string(partial.size()) + " bytes, expected " +
                      std::to_string((pos % kLogChunkHashes) * 32));
    }
    buffer.assign(partial.begin(), partial.end());
  }
  Status status;
  auto visit = [&](int, uint64_t, const Hash32& h) {
    buffer.insert(buffer.end(), h.begin(), h.end());
    if (buffer.size() == kLogChunkHashes * 32) {
      if (status.ok()) status = txn.Put(db_, ChunkKey(chunk), buffer);
      buffer.clear();
      ++chunk;
    }
  };
  for (const Hash32& leaf : leaf_hashes) range.Append(leaf, visit);
  IMEISYNC_RETURN_IF_ERROR(status);
  if (!buffer.empty())
    IMEISYNC_RETURN_IF_ERROR(txn.Put(db_, ChunkKey(chunk), buffer));
  IMEISYNC_RETURN_IF_ERROR(txn.Put(db_, RangeKey(), range.Encode()));
  return range.Root();
}

Result<TxnLogNodes> LogTree::NodesUpTo(const store::Txn& txn,
                                       uint64_t size) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t have, Size(txn));
  if (size > have) {
    return InvalidArgument("log " + origin_ + " has " + std::to_string(have) +
                           " leaves; size " + std::to_string(size) +
                           " is beyond it");
  }
  return TxnLogNodes(*this, txn);
}

Result<Hash32> LogTree::RootAt(const store::Txn& txn, uint64_t size) const {
  IMEISYNC_ASSIGN_OR_RETURN(TxnLogNodes nodes, NodesUpTo(txn, size));
  return LogRootAt(nodes, size);
}

Result<Hash32> LogTree::LeafHash(const store::Txn& txn, uint64_t index) const {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t size, Size(txn));
  if (index >= size) {
    return InvalidArgument("log " + origin_ + " has " + std::to_string(size) +
                           " leaves; index " + std::to_string(index) +
                           " is beyond it");
  }
  TxnLogNodes nodes(*this, txn);
  return nodes.Node(0, index);
}

Result<std::vector<Hash32>> LogTree::InclusionProof(const store::Txn& txn,
                                                    uint64_t index,
                                                    uint64_t size) const {
  IMEISYNC_ASSIGN_OR_RETURN(TxnLogNodes nodes, NodesUpTo(txn, size));
  return LogInclusionProof(nodes, index, size);
}

Result<std::vector<Hash32>> LogTree::ConsistencyProof(const store::Txn& txn,
                                                      uint64_t size1,
                                                      uint64_t size2) const {
  IMEISYNC_ASSIGN_OR_RETURN(TxnLogNodes nodes, NodesUpTo(txn, size2));
  return LogConsistencyProof(nodes, size1, size2);
}

}  // namespace imeisync::node::replication
