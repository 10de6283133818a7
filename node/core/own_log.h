// This node's own origin log (docs/design.md "Data flow"): devices
// submitted here are tagged, appended and folded into the state in one
// transaction, and signed later in batches by the Checkpointer.
//
// Threads: every method may be called from any thread; writes are
// serialised by the LMDB writer lock, signing by a mutex of its own.
#ifndef IMEISYNC_NODE_CORE_OWN_LOG_H_
#define IMEISYNC_NODE_CORE_OWN_LOG_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/note.h"
#include "node/core/bundle_holder.h"
#include "node/core/node_tags.h"
#include "node/core/storage.h"
#include "node/entry.h"

namespace imeisync::node::core {

struct SubmitResult {
  std::string origin;
  uint64_t first_index = 0;
  uint64_t count = 0;    // entries appended
  uint64_t skipped = 0;  // items skipped as already in force (skip_existing)
};

// One device of a submit: the IMEI as given, and the entry's reason and
// time (issued_at_ms 0 = now).
struct SubmitItem {
  std::string imei;
  Reason reason = Reason::kStolen;
  uint64_t issued_at_ms = 0;
};

class OwnLog {
 public:
  // Every argument must outlive the log. `signer` is named for this node's
  // origin and holds its key in memory.
  OwnLog(Storage& storage, const BundleHolder& bundles, const NodeTags& tags,
         crypto::NoteSigner signer)
      : storage_(storage),
        bundles_(bundles),
        tags_(tags),
        signer_(std::move(signer)) {}

  const std::string& origin() const { return signer_.name(); }

  // Tags `imeis` and appends one entry per IMEI to this node's log, folding
  // them into the state in the same transaction. All or nothing:
  // InvalidArgument naming the first malformed IMEI by position,
  // PermissionDenied if the policy forbids (action, reason) for this role,
  // FailedPrecondition if this node cannot tag. issued_at_ms 0 = now.
  // The entries are durable on return but not yet signed: call
  // SignCheckpoint() (the Checkpointer does, at most every 200 ms).
  Result<SubmitResult> Submit(Action action, Reason reason,
                              std::span<const std::string> imeis,
                              uint64_t issued_at_ms);
  // The general form: each item has its own reason and time. With
  // `skip_existing`, an item whose (device, reason) register in this
  // node's own log already holds `action`, or that repeats an earlier item
  // of the same call, appends nothing and is counted in `skipped`: rerunning
  // an interrupted import appends nothing twice. Errors as above; an
  // InvalidArgument names the item by position.
  Result<SubmitResult> Submit(Action action, std::span<const SubmitItem> items,
                              bool skip_existing);
  // Signs and records a checkpoint of this node's log if the log is larger
  // than the last one signed. Returns the new signed note, or nullopt when
  // there was nothing new.
  Result<std::optional<std::string>> SignCheckpoint();
  // The size of the latest signed checkpoint of this node's own log.
  Result<uint64_t> SignedSize();

 private:
  // The entries that are not already in force in this node's own log, in
  // order, each (tag, reason) once.
  Result<std::vector<Entry>> FreshEntries(const store::Txn& txn,
                                          std::span<const Entry> entries) const;
  // The tags of the items' IMEIs, or InvalidArgument naming the first
  // malformed one.
  Result<std::vector<Hash32>> TagItems(std::span<const SubmitItem> items) const;

  Storage& storage_;
  const BundleHolder& bundles_;
  const NodeTags& tags_;
  const crypto::NoteSigner signer_;
  std::mutex sign_mu_;  // one SignCheckpoint() at a time
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_OWN_LOG_H_
