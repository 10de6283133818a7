// One run of `imeisync audit` (docs/audit.md "Auditing a federation"):
// fetch every origin's checkpoint and the signed state head from every
// node, and check, holding only the bundle and public keys:
//   - each checkpoint's signature by its origin, and each cosignature by a
//     member's witness key;
//   - that all checkpoints of one origin, from every node and from the
//     auditor's memory of earlier runs, can all be true: equal sizes have
//     equal roots, and a node holding the largest proves each smaller one
//     consistent with it (else a split view, with both signed notes);
//   - each state head's signature; that every log it lists is one its
//     origin signed (equal to, or consistent with, a verified checkpoint);
//     and that nodes whose state heads list equal frontiers sign equal
//     state roots;
//   - with `deep`, that replaying each node's logs up to its state head's
//     frontier gives the roots the node signed.
// Then, as a witness, it cosigns each origin's largest checkpoint that
// passed, consistent with the last one it cosigned.
#ifndef IMEISYNC_NODE_AUDITOR_AUDIT_H_
#define IMEISYNC_NODE_AUDITOR_AUDIT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/cosignature.h"
#include "node/auditor/audit_memory.h"
#include "node/auditor/node_source.h"
#include "node/federation/bundle.h"

namespace imeisync::node::auditor {

struct AuditOptions {
  bool deep = false;    // replay logs and recompute state roots
  bool cosign = true;   // cosign what passed
  uint64_t now_s = 0;   // POSIX seconds for cosignature timestamps
  std::string scratch;  // a directory for deep replays (created, removed)
  // Called with a line of progress for long work (deep replays).
  std::function<void(const std::string&)> progress;
};

// One thing that does not hold. `kind` is one of:
//   unreachable            a node did not answer
//   bad-checkpoint         a checkpoint that is malformed, of an unknown
//                          origin, or whose signature does not verify
//   bad-cosignature        a cosignature by a member's key that does not
//                          verify
//   split-view             two signed checkpoints of one origin that
//                          cannot both be true
//   unproven               no node could prove two checkpoints consistent
//   equivocation-reported  a node holds equivocation evidence (frozen)
//   bad-state-head         a state head that is malformed or badly signed
//   state-head-fork        a state head lists a log its origin never
//                          signed, or one inconsistent with what it signed
//   state-root-mismatch    equal frontiers, different signed state roots
//   deep-mismatch          replayed logs give other roots than signed
struct Violation {
  std::string kind;
  std::string node;                   // the node concerned; "" when several
  std::string origin;                 // the origin concerned; "" when none
  std::string detail;                 // one line saying what and where
  std::vector<std::string> evidence;  // signed notes, verbatim
};

struct NodeSummary {
  std::string id;
  bool reachable = false;
  size_t origins = 0;                // checkpoints it served
  std::optional<Hash32> state_root;  // from its verified state head
  uint64_t state_head_time_ms = 0;
  std::optional<Hash32> replayed_root;  // deep only
};

struct OriginSummary {
  std::string origin;
  uint64_t size = 0;  // the largest verified checkpoint
  Hash32 root{};
  std::vector<std::string> served_by;  // nodes serving that checkpoint
  std::vector<std::string> witnesses;  // members whose cosignature verified
  bool cosigned_now = false;           // this run added ours
  // No node serves the largest checkpoint an earlier run saw: all are
  // behind it (the size above is that remembered one).
  bool nodes_behind = false;
};

struct AuditReport {
  std::vector<NodeSummary> nodes;
  std::vector<OriginSummary> origins;
  std::vector<Violation> violations;
  uint64_t consistency_proofs = 0;  // fetched and checked
  // The checkpoints cosigned in this run, each note with every verified
  // cosignature gathered plus ours: save the memory, then announce these.
  std::vector<std::string> cosigned_notes;
};

// Runs the checks against `nodes` (at least one) and updates `memory`
// with what passed. `self_id` is the auditor's member id; `cosigner` its
// witness key. Errors only for an unusable memory (a remembered note that
// no longer verifies: the state file was altered) or a store error in a
// deep replay; everything a node does wrong is a Violation.
Result<AuditReport> RunAudit(const federation::Bundle& bundle,
                             std::span<NodeSource* const> nodes,
                             const std::string& self_id,
                             const crypto::Cosigner& cosigner,
                             const AuditOptions& options, AuditMemory& memory);

}  // namespace imeisync::node::auditor

#endif  // IMEISYNC_NODE_AUDITOR_AUDIT_H_
