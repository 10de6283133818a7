#include "node/core/store_reads.h"

namespace imeisync::node::core {
namespace {

// A LocalStateView that owns its read transaction.
class SnapshotStateView final : public merkle::StateTreeView {
 public:
  SnapshotStateView(const state::LmdbStateTree& tree, store::ReadTxn txn)
      : txn_(std::move(txn)), view_(tree, txn_) {}
  Result<merkle::SubtreeView> At(const merkle::NibblePrefix& prefix) override {
    return view_.At(prefix);
  }
  Result<std::vector<merkle::StatePair>> LeavesUnder(
      const merkle::NibblePrefix& prefix) override {
    return view_.LeavesUnder(prefix);
  }

 private:
  store::ReadTxn txn_;
  merkle::LocalStateView<state::LmdbStateTree, store::Txn> view_;
};

}  // namespace

Result<replication::LogHead> StoreReads::Head(std::string_view origin) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.logs().Head(txn, origin);
}

Result<std::string> StoreReads::CheckpointNote(std::string_view origin) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.logs().CheckpointNote(txn, origin);
}

Result<std::vector<Entry>> StoreReads::ReadEntries(std::string_view origin,
                                                   uint64_t begin,
                                                   uint64_t end) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.logs().Read(txn, origin, begin, end);
}

Result<std::vector<Hash32>> StoreReads::ConsistencyProof(
    std::string_view origin, uint64_t first, uint64_t second) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.logs().ConsistencyProof(txn, origin, first, second);
}

Result<std::vector<replication::Evidence>> StoreReads::Evidence() const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.logs().AllEvidence(txn);
}

Result<std::map<std::pair<std::string, Reason>, uint64_t>>
StoreReads::Rejections() const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.fold().Rejections(txn);
}

Result<merkle::SubtreeView> StoreReads::Subtree(
    const merkle::NibblePrefix& prefix) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.fold().tree().At(txn, prefix);
}

Result<std::vector<merkle::StatePair>> StoreReads::Leaves(
    const merkle::NibblePrefix& prefix) const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.fold().tree().LeavesUnder(txn, prefix);
}

Result<std::unique_ptr<merkle::StateTreeView>> StoreReads::OpenStateView()
    const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return std::unique_ptr<merkle::StateTreeView>(
      new SnapshotStateView(storage_.fold().tree(), std::move(txn)));
}

}  // namespace imeisync::node::core
