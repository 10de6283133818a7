#include "node/state/lmdb_state_store.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/big_endian.h"

namespace imeisync::node::state {
namespace {

using merkle::NibblePrefix;
using merkle::StateNodeId;

// state_meta keys: 'm' -> latest version; 'r' version -> root;
// 's' version -> stale list.
constexpr uint8_t kVersionTag = 'm';
constexpr uint8_t kRootTag = 'r';
constexpr uint8_t kStaleTag = 's';

using MetaKey = std::array<uint8_t, 9>;

MetaKey MakeMetaKey(uint8_t tag, uint64_t version) {
  MetaKey k;
  k[0] = tag;
  StoreU64(k.data() + 1, version);
  return k;
}

bool IsMetaKey(ByteView k, uint8_t tag) { return k.size() == 9 && k[0] == tag; }

// state_nodes key: version(8) depth(1) ceil(depth/2) prefix bytes. Fixed
// storage, so that reading a node allocates nothing.
struct NodeKey {
  std::array<uint8_t, 9 + 32> bytes;
  uint8_t size;

  ByteView view() const { return ByteView(bytes.data(), size); }
  friend bool operator<(const NodeKey& a, const NodeKey& b) {
    return std::lexicographical_compare(
        a.bytes.begin(), a.bytes.begin() + a.size, b.bytes.begin(),
        b.bytes.begin() + b.size);
  }
};

NodeKey MakeNodeKey(uint64_t version, const NibblePrefix& prefix) {
  NodeKey k;
  StoreU64(k.bytes.data(), version);
  k.bytes[8] = static_cast<uint8_t>(prefix.depth);
  const int prefix_bytes = (prefix.depth + 1) / 2;
  std::copy_n(prefix.bytes.begin(), prefix_bytes, k.bytes.begin() + 9);
  k.size = static_cast<uint8_t>(9 + prefix_bytes);
  return k;
}

// The inverse of MakeNodeKey, for the keys a stale list holds.
Result<StateNodeId> ParseNodeKey(ByteView k) {
  if (k.size() < 9 || k[8] > 64 || k.size() != 9u + (k[8] + 1) / 2) {
    return DataLoss("stale-node list holds a malformed node key of " +
                    std::to_string(k.size()) + " bytes");
  }
  StateNodeId id;
  id.version = LoadU64(k);
  id.prefix.depth = k[8];
  std::copy(k.begin() + 9, k.end(), id.prefix.bytes.begin());
  return id;
}

// len(1) node-key, repeated.
Result<std::vector<StateNodeId>> DecodeStaleList(ByteView v) {
  std::vector<StateNodeId> out;
  while (!v.empty()) {
    if (v[0] + size_t{1} > v.size())
      return DataLoss("stale-node list truncated");
    IMEISYNC_ASSIGN_OR_RETURN(StateNodeId id, ParseNodeKey(v.subspan(1, v[0])));
    out.push_back(id);
    v = v.subspan(1 + v[0]);
  }
  return out;
}

}  // namespace

Result<StateTreeDbs> StateTreeDbs::Open(const store::Env& env) {
  StateTreeDbs dbs;
  IMEISYNC_ASSIGN_OR_RETURN(dbs.nodes, env.Database(kStateNodesDatabase));
  IMEISYNC_ASSIGN_OR_RETURN(dbs.meta, env.Database(kStateMetaDatabase));
  return dbs;
}

Result<store::WriteTxn*> LmdbStateStore::Writer() const {
  if (write_ == nullptr) {
    return FailedPrecondition(
        "state tree store opened on a read transaction cannot write");
  }
  return write_;
}

Result<uint64_t> LmdbStateStore::Version() const {
  const uint8_t key = kVersionTag;
  auto v = txn_.Get(dbs_.meta, ByteView(&key, 1));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) return uint64_t{0};
    return v.status();
  }
  if (v->size() != 8)
    return DataLoss("state tree version record is not 8 bytes");
  return LoadU64(*v);
}

Result<ByteView> LmdbStateStore::Root(uint64_t version) const {
  return txn_.Get(dbs_.meta, MakeMetaKey(kRootTag, version));
}

Result<ByteView> LmdbStateStore::Node(uint64_t version,
                                      const NibblePrefix& prefix) const {
  return txn_.Get(dbs_.nodes, MakeNodeKey(version, prefix).view());
}

Result<std::optional<merkle::StaleList>> LmdbStateStore::NextStale(
    uint64_t from) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn_.NewCursor(dbs_.meta));
  cursor.Seek(MakeMetaKey(kStaleTag, from));
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  if (!cursor.Valid() || !IsMetaKey(cursor.key(), kStaleTag)) {
    return std::optional<merkle::StaleList>();
  }
  merkle::StaleList list;
  list.version = LoadU64(cursor.key().subspan(1));
  IMEISYNC_ASSIGN_OR_RETURN(list.nodes, DecodeStaleList(cursor.value()));
  return std::optional<merkle::StaleList>(std::move(list));
}

Result<std::vector<uint64_t>> LmdbStateStore::RootVersions(
    uint64_t below, uint64_t limit) const {
  std::vector<uint64_t> out;
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor cursor, txn_.NewCursor(dbs_.meta));
  const uint8_t first = kRootTag;
  for (cursor.Seek(ByteView(&first, 1)); cursor.Valid() && out.size() < limit;
       cursor.Next()) {
    ByteView k = cursor.key();
    if (!IsMetaKey(k, kRootTag) || LoadU64(k.subspan(1)) >= below) break;
    out.push_back(LoadU64(k.subspan(1)));
  }
  IMEISYNC_RETURN_IF_ERROR(cursor.status());
  return out;
}

Status LmdbStateStore::PutNodes(
    uint64_t version, std::span<const merkle::StateNodeRecord> nodes) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  // The new version's keys sort after every stored node's: append them in
  // order, which skips the B-tree search and fills pages completely.
  std::vector<std::pair<NodeKey, size_t>> order;
  order.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    order.emplace_back(MakeNodeKey(version, nodes[i].prefix), i);
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, i] : order) {
    IMEISYNC_RETURN_IF_ERROR(
        txn->Append(dbs_.nodes, key.view(), nodes[i].value));
  }
  return Status::Ok();
}

Status LmdbStateStore::DeleteNodes(std::span<const StateNodeId> nodes) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  std::vector<NodeKey> keys;
  keys.reserve(nodes.size());
  for (const StateNodeId& id : nodes)
    keys.push_back(MakeNodeKey(id.version, id.prefix));
  std::sort(keys.begin(), keys.end());
  for (const NodeKey& k : keys)
    IMEISYNC_RETURN_IF_ERROR(txn->Delete(dbs_.nodes, k.view()));
  return Status::Ok();
}

Status LmdbStateStore::PutRoot(uint64_t version, ByteView root) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  return txn->Put(dbs_.meta, MakeMetaKey(kRootTag, version), root);
}

Status LmdbStateStore::DeleteRoot(uint64_t version) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  return txn->Delete(dbs_.meta, MakeMetaKey(kRootTag, version));
}

Status LmdbStateStore::PutStale(uint64_t version,
                                std::span<const StateNodeId> nodes) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  Bytes list;
  list.reserve(nodes.size() * (1 + 9 + 4));
  for (const StateNodeId& id : nodes) {
    const NodeKey k = MakeNodeKey(id.version, id.prefix);
    list.push_back(k.size);
    list.insert(list.end(), k.bytes.begin(), k.bytes.begin() + k.size);
  }
  return txn->Put(dbs_.meta, MakeMetaKey(kStaleTag, version), list);
}

Status LmdbStateStore::DeleteStale(uint64_t version) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  return txn->Delete(dbs_.meta, MakeMetaKey(kStaleTag, version));
}

Status LmdbStateStore::SetVersion(uint64_t version) {
  IMEISYNC_ASSIGN_OR_RETURN(store::WriteTxn * txn, Writer());
  const uint8_t key = kVersionTag;
  uint8_t value[8];
  StoreU64(value, version);
  return txn->Put(dbs_.meta, ByteView(&key, 1), ByteView(value, 8));
}

Result<Hash32> LmdbStateTree::Update(store::WriteTxn& txn,
                                     std::vector<merkle::StateOp> ops) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).Update(std::move(ops));
}

Result<uint64_t> LmdbStateTree::Version(const store::Txn& txn) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).Version();
}

Result<Hash32> LmdbStateTree::Root(const store::Txn& txn) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).Root();
}

Result<Hash32> LmdbStateTree::RootAt(const store::Txn& txn,
                                     uint64_t version) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).RootAt(version);
}

Result<std::optional<Hash32>> LmdbStateTree::Get(const store::Txn& txn,
                                                 const Hash32& key) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).Get(key);
}

Result<merkle::StateProof> LmdbStateTree::Prove(const store::Txn& txn,
                                                const Hash32& key) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).Prove(key);
}

Result<merkle::StateProof> LmdbStateTree::ProveAt(const store::Txn& txn,
                                                  const Hash32& key,
                                                  uint64_t version) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).ProveAt(key, version);
}

Result<merkle::SubtreeView> LmdbStateTree::At(
    const store::Txn& txn, const merkle::NibblePrefix& prefix) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).At(prefix);
}

Result<std::vector<merkle::StatePair>> LmdbStateTree::LeavesUnder(
    const store::Txn& txn, const merkle::NibblePrefix& prefix) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).LeavesUnder(prefix);
}

Result<uint64_t> LmdbStateTree::Prune(store::WriteTxn& txn, uint64_t keep_from,
                                      uint64_t limit) const {
  LmdbStateStore store(dbs_, txn);
  return merkle::StateTree(store).Prune(keep_from, limit);
}

}  // namespace imeisync::node::state
