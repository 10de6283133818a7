// One federation member's node without the network: its LMDB environment,
// every origin log it holds, the folded state, its signed bundle and keys.
// The rpc layer (node/rpc) turns requests into calls on this class; nothing
// here knows about protobuf or gRPC.
//
// Threads: every method may be called from any thread. Writes are
// serialised by the LMDB writer lock; each applied batch (entries, log tree,
// checkpoint, registers, state tree) is one write transaction, so a crash
// leaves the node at its last commit with nothing half applied.
#ifndef IMEISYNC_NODE_CORE_NODE_H_
#define IMEISYNC_NODE_CORE_NODE_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/cosignature.h"
#include "crypto/device_tag.h"
#include "crypto/note.h"
#include "node/core/state_head.h"
#include "node/core/tag_source.h"
#include "node/entry.h"
#include "node/federation/bundle.h"
#include "node/federation/node_config.h"
#include "node/replication/origin_logs.h"
#include "node/replication/witness.h"
#include "node/state/state_fold.h"
#include "node/store/env.h"

namespace imeisync::node::core {

// A bundle as it travels: the exact signed bytes and what they parse to.
struct SignedBundle {
  std::string toml;
  std::string signature;
  federation::Bundle bundle;
};

// One origin as this node holds it.
struct OriginState {
  std::string origin;
  replication::LogHead head;  // what is stored and folded
  std::string note;           // latest verified signed checkpoint (<= head)
  bool frozen = false;
};

// One consistent snapshot of what this node holds.
struct NodeSnapshot {
  std::vector<OriginState> origins;  // in origin order; in the state
  // This node's own export logs (docs/links.md), in origin order: outside
  // the state, the state head and every frontier but their link member's.
  std::vector<OriginState> exports;
  Hash32 state_root{};
  uint64_t registers = 0;
  std::string state_head_note;  // signed note over the two above, or ""
};

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

class Node {
 public:
  // Opens the node described by `config`: loads and checks the bundle and
  // its signature (against the bundle's own federation key: a node trusts
  // the first bundle it is given), the signing key, the salt, and opens the
  // LMDB environment. FailedPrecondition if the node is not a member of its
  // bundle; errors from the loaders name the file.
  static Result<std::unique_ptr<Node>> Open(
      const federation::NodeConfig& config);

  const federation::NodeConfig& config() const { return config_; }
  const std::string& id() const { return config_.id; }
  const std::string& origin() const { return origin_; }
  std::shared_ptr<const SignedBundle> bundle() const;
  // This node's role in the current bundle.
  federation::Role role() const;

  // Accepts a newer bundle: the signature must verify with the current
  // bundle's federation key, the version must be higher and the federation
  // the same (FailedPrecondition otherwise; InvalidArgument for a bad
  // signature or text). The files beside config().bundle are replaced
  // atomically. Returns the version now held.
  Result<uint64_t> OfferBundle(std::string_view toml,
                               std::string_view signature);

  // --- this node's own log -------------------------------------------------

  // Tags `imeis` and appends one entry per IMEI to this node's log, folding
  // them into the state in the same transaction. All or nothing:
  // InvalidArgument naming the first malformed IMEI by position,
  // PermissionDenied if the policy forbids (action, reason) for this role,
  // FailedPrecondition if this node has no salt. issued_at_ms 0 = now.
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

  // --- replication ---------------------------------------------------------

  // Parses `note` as a checkpoint and verifies its signature with the key
  // of the member the origin names. InvalidArgument for a malformed note,
  // an origin outside this federation or a bad signature; NotFound for a
  // member or link this node's bundle does not list (its bundle may be
  // older); PermissionDenied for a log this node may not hold
  // (core::MayRead: another link's export log, or on a foreign member
  // anything but its own log and its link's export log).
  Result<replication::VerifiedCheckpoint> VerifyCheckpoint(
      std::string_view note) const;
  // Applies `entries`, which start at index `first_index` and end at the
  // checkpoint's size, and folds them, in one transaction. See
  // OriginLogs::Apply. An equivocation is committed as evidence and
  // freezes the origin. AlreadyExists, with nothing changed, if the log is
  // no longer at `first_index` (another peer's pull got there first);
  // `entries` empty skips that check.
  // When applied, and the origin is not this node, this node witnesses the
  // checkpoint in the same transaction: it cosigns it if it is consistent
  // with the last one it cosigned for the origin (FailedPrecondition, and
  // nothing applied, if not) and stores the note with its cosignature.
  Result<replication::ApplyOutcome> ApplyRange(
      const replication::VerifiedCheckpoint& cp, uint64_t first_index,
      std::span<const Entry> entries);
  // One piece of a long range, checked by a consistency proof to the
  // checkpoint; see OriginLogs::ApplyPrefix. Folds in the same transaction.
  // AlreadyExists as ApplyRange.
  Result<replication::LogHead> ApplyPiece(
      const replication::VerifiedCheckpoint& cp, uint64_t first_index,
      std::span<const Entry> entries, std::span<const Hash32> proof);

  // Adds the cosignatures on `note` that this node's copy of the same
  // checkpoint lacks and that verify with a member's witness key, and
  // records how many witnesses the checkpoint now has. Returns the stored
  // note if it gained any, else nullopt (also when this node holds another
  // checkpoint of that origin, or none). InvalidArgument for a malformed
  // note.
  Result<std::optional<std::string>> AddCosignatures(std::string_view note);
  // The witness keys of the current bundle's members.
  std::vector<replication::WitnessKey> WitnessKeys() const;
  // How many of `origin`'s entries count for verdicts under the policy's
  // witness quorum: all of them when the quorum is 0, else the size of the
  // largest checkpoint seen with that many witnesses.
  Result<uint64_t> CountedSize(const store::Txn& txn, std::string_view origin,
                               const federation::Policy& policy) const;

  // --- reads ---------------------------------------------------------------

  Result<replication::LogHead> Head(std::string_view origin);
  // Everything held and the state root; with `sign_state_head`, also a
  // freshly signed state head (one Ed25519 signature), else it is empty.
  Result<NodeSnapshot> Snapshot(bool sign_state_head);
  // A freshly signed state head (the whole note) over the frontier and
  // state root that `txn` sees, timed now: for proofs read from that same
  // snapshot (node/audit). Costs one Ed25519 signature.
  Result<std::string> SignStateHead(const store::Txn& txn);
  // The latest verified signed checkpoint of `origin`, or NotFound.
  Result<std::string> CheckpointNote(std::string_view origin);
  Result<std::vector<Entry>> ReadEntries(std::string_view origin,
                                         uint64_t begin, uint64_t end);
  Result<std::vector<Hash32>> ConsistencyProof(std::string_view origin,
                                               uint64_t first, uint64_t second);
  Result<std::vector<replication::Evidence>> Evidence();
  Result<std::map<std::pair<std::string, Reason>, uint64_t>> Rejections();

  // The device tags of `imei14s` (each exactly 14 ASCII digits), in order,
  // from this node's TagSource (tag_source.h). Thread-safe. In oprf mode on
  // a member other than the evaluator this may query the evaluator: never
  // call it while holding a transaction. FailedPrecondition when this node
  // cannot tag (no salt; an oprf member with no route to the evaluator).
  Result<std::vector<Hash32>> Tags(std::span<const std::string> imei14s) const;
  // One device's tag. As Tags().
  Result<Hash32> TagOf(std::string_view imei14) const;
  // Replaces the TagSource. The daemon installs the evaluator client of an
  // oprf member with it; Open() installs the local ones.
  void SetTagSource(std::shared_ptr<TagSource> source);

  store::Env& env() { return *env_; }
  const state::StateFold& fold() const { return fold_; }
  const replication::OriginLogs& logs() const { return logs_; }
  // What entries of `origin` the current bundle allows: its member's
  // allowance (federation::AllowanceOf), or for an export log, its link's
  // (ExportAllowance). NotFound for an origin the bundle does not know.
  Result<federation::RolePolicy> AllowanceOf(std::string_view origin) const;
  // True for an export log that this node keeps (and signs) itself.
  bool IsOwnExportLog(std::string_view origin) const;

 private:
  Node(federation::NodeConfig config, std::unique_ptr<store::Env> env,
       replication::OriginLogs logs, state::StateFold fold,
       replication::Witness witness, crypto::NoteSigner signer,
       crypto::Cosigner cosigner, std::shared_ptr<TagSource> tags,
       std::shared_ptr<const SignedBundle> bundle);

  federation::Role RoleIn(const federation::Bundle& bundle) const;
  // The member `origin` names and its role, from the current bundle.
  Result<federation::Member> OriginMember(std::string_view origin) const;
  // The entries that are not already in force in this node's own log, in
  // order, each (tag, reason) once.
  Result<std::vector<Entry>> FreshEntries(const store::Txn& txn,
                                          std::span<const Entry> entries) const;
  Result<uint64_t> FoldNew(store::WriteTxn& txn, std::string_view origin,
                           uint64_t first_index,
                           std::span<const Entry> entries) const;
  // Cosigns the just-applied checkpoint `cp` of another origin and stores
  // the note with the cosignature. See ApplyRange().
  Status CosignApplied(store::WriteTxn& txn,
                       const replication::VerifiedCheckpoint& cp) const;
  // How many witnesses `note`, a checkpoint `c` other than the stored one,
  // carries, if `c` is a prefix of the log held here and recording them
  // would raise a witnessed size; else 0.
  Result<size_t> OlderCheckpointWitnesses(const store::Txn& txn,
                                          const crypto::Note& note,
                                          const crypto::Checkpoint& c) const;
  // Records how many witnesses `note` (the stored note of its origin) has.
  Status RecordWitnesses(store::WriteTxn& txn, const crypto::Note& note,
                         const crypto::Checkpoint& checkpoint) const;

  const federation::NodeConfig config_;
  std::unique_ptr<store::Env> env_;
  const replication::OriginLogs logs_;
  const state::StateFold fold_;
  const replication::Witness witness_;
  const crypto::NoteSigner signer_;
  const crypto::Cosigner cosigner_;  // the same key, as a witness (0x04)
  std::string origin_;

  mutable std::mutex tags_mu_;
  std::shared_ptr<TagSource> tags_;  // guarded by tags_mu_

  mutable std::mutex bundle_mu_;
  std::shared_ptr<const SignedBundle> bundle_;  // guarded by bundle_mu_
  std::mutex sign_mu_;  // one SignCheckpoint() at a time
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_NODE_H_
