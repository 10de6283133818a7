// Internal to node/auditor: not part of its API, and included by nothing
// outside this folder. It exists only so that the one audit run behind
// RunAudit() (audit.h) can be defined over several .cc files, each holding
// one group of checks: audit.cc (fetching, verifying, cosigning),
// audit_origins.cc (each origin's checkpoints) and audit_state.cc (state
// heads, frontiers and deep replays). Callers use RunAudit().
#ifndef IMEISYNC_NODE_AUDITOR_AUDITOR_RUN_H_
#define IMEISYNC_NODE_AUDITOR_AUDITOR_RUN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/checkpoint.h"
#include "crypto/cosignature.h"
#include "crypto/note.h"
#include "node/auditor/audit.h"
#include "node/auditor/audit_memory.h"
#include "node/auditor/node_source.h"
#include "node/federation/bundle.h"
#include "node/replication/witness.h"
#include "node/state/state_head.h"

namespace imeisync::node::auditor::internal {

// A checkpoint as one source gave it, verified.
struct Sighting {
  std::string node;  // "" for the auditor's memory
  crypto::Checkpoint checkpoint;
  crypto::Note note;
  std::string note_text;  // the signed note, verbatim
  std::vector<std::string> witnesses;
};

// What one reachable node served: its source, and its state head once
// that verified.
struct NodeView {
  NodeSource* source = nullptr;
  std::optional<state::StateHead> head;
  std::string head_note;
};

// "the auditor's memory" for a sighting from memory, else "node <id>".
std::string Where(const Sighting& s);

// "size <n> root <base64>", as violation details name a checkpoint.
std::string SizeRoot(const crypto::Checkpoint& c);

// One audit run (audit.h describes what it checks). Holds references to
// everything passed to the constructor: they must outlive it. Run() is
// called once.
class Auditor {
 public:
  Auditor(const federation::Bundle& bundle, const std::string& self_id,
          const crypto::Cosigner& cosigner, const AuditOptions& options,
          AuditMemory& memory);

  // Fetches from `nodes`, checks, and cosigns what passed (updating the
  // memory). Returns InvalidArgument if the remembered state does not
  // verify; the violations found are in the report, not the status.
  Result<AuditReport> Run(std::span<NodeSource* const> nodes);

 private:
  // One origin's distinct checkpoints, largest first, each with the nodes
  // serving it.
  struct Distinct {
    std::vector<const Sighting*> checkpoints;  // into sightings_, sorted
    std::map<std::pair<uint64_t, Hash32>, std::vector<std::string>> servers;
    std::pair<uint64_t, Hash32> big_key;
    // Only the auditor's memory holds the largest checkpoint.
    bool nodes_behind = false;

    const Sighting& big() const { return *checkpoints.front(); }
    const std::vector<std::string>& big_servers() const {
      return servers.at(big_key);
    }
  };

  // The richest copy of an origin's largest checkpoint: its text, and the
  // parsed note, or why the text does not parse.
  struct Richest {
    std::string text;
    Result<crypto::Note> note;
  };

  // --- audit.cc ---

  // A violation about `origin` stops the auditor cosigning it, unless
  // `blocks_origin` is false (a node's fault, not the origin's).
  void Violate(std::string kind, std::string node, std::string origin,
               std::string detail, std::vector<std::string> evidence = {},
               bool blocks_origin = true);

  // Parses and verifies one signed checkpoint note; nullopt with the
  // reason in `why` if it does not verify. A bad cosignature on a note
  // that verifies is reported as a violation and the note kept.
  std::optional<Sighting> Verify(const std::string& node,
                                 const std::string& note_text,
                                 std::string& why);

  // Fetches `n`'s frontier: records a sighting per verified checkpoint and
  // a summary and view of the node, reporting what does not verify.
  void Fetch(NodeSource& n);

  // The source of the node with `id`; nullptr if none was reachable.
  NodeSource* SourceOf(const std::string& id);

  // Remembers `origin`'s richest largest checkpoint and, when the options
  // allow and `own` is false, cosigns it: adds the auditor's cosignature
  // if the richest copy lacks it, and hands back the copy if some node
  // served it without. REQUIRES: `origin` passed every check.
  void RememberAndCosign(const std::string& origin,
                         const std::vector<Sighting>& all, const Sighting& big,
                         bool own, const Richest& richest,
                         OriginSummary& summary);

  // --- audit_origins.cc ---

  // The auditor's memory joins the sightings: a node that now serves
  // something inconsistent with an earlier run is caught. Returns
  // InvalidArgument if a remembered checkpoint does not verify.
  Status Remembered();

  // Asks the nodes serving `big` for a consistency proof from `small`.
  // One proof that verifies settles it; a failing proof is a split view
  // only when no other server of `big` proves the two consistent, so that
  // one lying node cannot accuse an honest origin.
  void CheckConsistent(const Sighting& small, const Sighting& big,
                       const std::vector<std::string>& big_nodes);

  // Checks every sighting of `origin`, summarises it in the report, and
  // remembers and cosigns its largest checkpoint if all passed.
  void CheckOrigin(const std::string& origin);

  // Sorts `all` largest first and groups it into distinct checkpoints.
  // REQUIRES: `all` is not empty.
  static Distinct Group(std::vector<Sighting>& all);

  // Checks that each smaller checkpoint can be true with the largest: a
  // checkpoint of equal size and another root is a split view, and a
  // smaller one must be proven consistent, unless the nodes are behind.
  void CheckSmaller(const std::string& origin, const Distinct& seen);

  // Checks that the auditor's own last cosignature of `origin` is
  // consistent with the largest checkpoint, unless it is one of those seen
  // or the nodes are behind.
  void CheckLastCosigned(const std::string& origin, const Distinct& seen);

  // Merges every verified cosignature any node gathered on `big`, and
  // keeps the origin's signature and verified member cosignatures only.
  Richest RichestCopy(const std::string& origin,
                      const std::vector<Sighting>& all, const Sighting& big);

  // --- audit_state.cc ---

  // Checks `n`'s signed state head against the frontier it served, and
  // records it in `view` and `summary` if it verifies.
  void CheckStateHead(NodeSource& n, const v1::Frontier& frontier,
                      NodeView& view, NodeSummary& summary);

  // Every log a node's state head says it folded must be one its origin
  // signed: equal to a verified checkpoint, or proven consistent with the
  // largest one. Only a node's own log may run ahead of its signatures.
  // REQUIRES: CheckOrigin() ran for every origin (the sightings are
  // sorted).
  void CheckFrontiers();

  // Nodes whose state heads list the same frontier must sign the same
  // state root.
  void CompareStateRoots();

  // A foreign member's node folds its link's export log, which only it may
  // read (docs/links.md): its state is not the auditor's to check. Its own
  // log still is, with every other origin's.
  bool IsLinkNode(const NodeView& v) const;

  // Replays each node's logs up to its state head's frontier and checks
  // they give the roots the node signed.
  Status Deep();

  const federation::Bundle& bundle_;
  const std::string self_id_;
  const crypto::Cosigner& cosigner_;
  const AuditOptions& options_;
  AuditMemory& memory_;
  std::map<std::string, crypto::NoteVerifier> origin_keys_;
  std::vector<replication::WitnessKey> witness_keys_;
  std::map<std::string, std::vector<Sighting>> sightings_;
  std::vector<NodeView> views_;
  std::set<std::string> failed_origins_;
  AuditReport report_;
};

}  // namespace imeisync::node::auditor::internal

#endif  // IMEISYNC_NODE_AUDITOR_AUDITOR_RUN_H_
