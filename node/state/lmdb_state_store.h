// The state tree in LMDB: its databases, the StateNodeStore over one LMDB
// transaction, and the tree as the node uses it, one transaction per call.
// The key grammar and value layouts are in docs/formats.md "State storage";
// this file pair is the only code that knows them.
//
// Caveats: a store is bound to one transaction and must die before it. A
// store over a read transaction refuses writes (FailedPrecondition).
#ifndef IMEISYNC_NODE_STATE_LMDB_STATE_STORE_H_
#define IMEISYNC_NODE_STATE_LMDB_STATE_STORE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/merkle/state_node_store.h"
#include "node/merkle/state_proof.h"
#include "node/merkle/state_tree.h"
#include "node/store/env.h"
#include "node/store/txn.h"

namespace imeisync::node::state {

// The databases of the state tree, to declare in store::EnvOptions.
inline constexpr const char* kStateNodesDatabase = "state_nodes";
inline constexpr const char* kStateMetaDatabase = "state_meta";
inline constexpr std::array<const char*, 2> kStateTreeDatabases = {
    kStateNodesDatabase, kStateMetaDatabase};

// Handles of those databases in one Env.
struct StateTreeDbs {
  store::Db nodes;
  store::Db meta;

  // NotFound unless the Env declared kStateTreeDatabases.
  static Result<StateTreeDbs> Open(const store::Env& env);
};

// The state tree's records in `dbs`, read and written through one
// transaction. Views returned by reads die with the transaction, or at the
// next write through this store. A malformed version record or stale list
// is DataLoss.
class LmdbStateStore final : public merkle::StateNodeStore {
 public:
  // Reads only. REQUIRES: `txn` outlives the store.
  LmdbStateStore(const StateTreeDbs& dbs, const store::Txn& txn)
      : dbs_(dbs), txn_(txn), write_(nullptr) {}
  // Reads and writes. REQUIRES: `txn` outlives the store.
  LmdbStateStore(const StateTreeDbs& dbs, store::WriteTxn& txn)
      : dbs_(dbs), txn_(txn), write_(&txn) {}

  Result<uint64_t> Version() const override;
  Result<ByteView> Root(uint64_t version) const override;
  Result<ByteView> Node(uint64_t version,
                        const merkle::NibblePrefix& prefix) const override;
  Result<std::optional<merkle::StaleList>> NextStale(
      uint64_t from) const override;
  Result<std::vector<uint64_t>> RootVersions(uint64_t below,
                                             uint64_t limit) const override;

  // Appends the nodes in key order (MDB_APPEND): no B-tree search, full
  // pages (docs/design.md "State tree").
  Status PutNodes(uint64_t version,
                  std::span<const merkle::StateNodeRecord> nodes) override;
  // Deletes in key order, so each page is touched once.
  Status DeleteNodes(std::span<const merkle::StateNodeId> nodes) override;
  Status PutRoot(uint64_t version, ByteView root) override;
  Status DeleteRoot(uint64_t version) override;
  Status PutStale(uint64_t version,
                  std::span<const merkle::StateNodeId> nodes) override;
  Status DeleteStale(uint64_t version) override;
  Status SetVersion(uint64_t version) override;

 private:
  Result<store::WriteTxn*> Writer() const;

  StateTreeDbs dbs_;
  const store::Txn& txn_;
  store::WriteTxn* write_;  // null when opened for reading only
};

// merkle::StateTree over the databases of one Env: each call runs the tree
// over an LmdbStateStore in the caller's transaction, so state changes
// commit atomically with whatever else that transaction writes. Methods are
// those of merkle::StateTree, with the transaction to use.
class LmdbStateTree {
 public:
  explicit LmdbStateTree(const StateTreeDbs& dbs) : dbs_(dbs) {}

  // On error the caller must abort the transaction.
  Result<Hash32> Update(store::WriteTxn& txn,
                        std::vector<merkle::StateOp> ops) const;
  Result<uint64_t> Version(const store::Txn& txn) const;
  Result<Hash32> Root(const store::Txn& txn) const;
  // NotFound if `version` was pruned or is in the future.
  Result<Hash32> RootAt(const store::Txn& txn, uint64_t version) const;
  Result<std::optional<Hash32>> Get(const store::Txn& txn,
                                    const Hash32& key) const;
  Result<merkle::StateProof> Prove(const store::Txn& txn,
                                   const Hash32& key) const;
  Result<merkle::StateProof> ProveAt(const store::Txn& txn, const Hash32& key,
                                     uint64_t version) const;
  Result<merkle::SubtreeView> At(const store::Txn& txn,
                                 const merkle::NibblePrefix& prefix) const;
  Result<std::vector<merkle::StatePair>> LeavesUnder(
      const store::Txn& txn, const merkle::NibblePrefix& prefix) const;
  Result<uint64_t> Prune(store::WriteTxn& txn, uint64_t keep_from,
                         uint64_t limit) const;

 private:
  StateTreeDbs dbs_;
};

}  // namespace imeisync::node::state

#endif  // IMEISYNC_NODE_STATE_LMDB_STATE_STORE_H_
