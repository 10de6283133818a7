#include "node/auditor/audit.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/base64.h"
#include "crypto/checkpoint.h"
#include "crypto/note.h"
#include "node/auditor/replay.h"
#include "node/core/origin_name.h"
#include "node/core/state_head.h"
#include "node/merkle/log_proof.h"
#include "node/replication/witness.h"
#include "node/rpc/wire.h"

namespace imeisync::node::auditor {
namespace {

// A checkpoint as one source gave it, verified.
struct Sighting {
  std::string node;  // "" for the auditor's memory
  crypto::Checkpoint checkpoint;
  crypto::Note note;
  std::string note_text;  // the signed note, verbatim
  std::vector<std::string> witnesses;
};

struct NodeView {
  NodeSource* source = nullptr;
  std::optional<core::StateHead> head;
  std::string head_note;
};

std::string Where(const Sighting& s) {
  return s.node.empty() ? "the auditor's memory" : "node " + s.node;
}

std::string SizeRoot(const crypto::Checkpoint& c) {
  return "size " + std::to_string(c.size) + " root " + Base64Encode(c.root);
}

class Auditor {
 public:
  Auditor(const federation::Bundle& bundle, const std::string& self_id,
          const crypto::Cosigner& cosigner, const AuditOptions& options,
          AuditMemory& memory)
      : bundle_(bundle),
        self_id_(self_id),
        cosigner_(cosigner),
        options_(options),
        memory_(memory) {
    for (const federation::Member& m : bundle.members) {
      const std::string origin = core::OriginName(bundle.federation, m.id);
      if (auto v = crypto::NoteVerifier::Create(origin, m.key); v.ok()) {
        origin_keys_.emplace(origin, *std::move(v));
      }
      if (auto w = crypto::NoteVerifier::Create(origin, m.key,
                                                crypto::kNoteTypeCosignatureV1);
          w.ok()) {
        witness_keys_.push_back({m.id, *std::move(w)});
      }
    }
  }

  Result<AuditReport> Run(std::span<NodeSource* const> nodes) {
    for (NodeSource* n : nodes) Fetch(*n);
    IMEISYNC_RETURN_IF_ERROR(Remembered());
    std::set<std::string> origins;
    for (const auto& [origin, s] : sightings_) origins.insert(origin);
    for (const std::string& origin : origins) CheckOrigin(origin);
    CheckFrontiers();
    CompareStateRoots();
    if (options_.deep) IMEISYNC_RETURN_IF_ERROR(Deep());
    return std::move(report_);
  }

 private:
  // A violation about `origin` stops the auditor cosigning it, unless
  // `blocks_origin` is false (a node's fault, not the origin's).
  void Violate(std::string kind, std::string node, std::string origin,
               std::string detail, std::vector<std::string> evidence = {},
               bool blocks_origin = true) {
    if (!origin.empty() && blocks_origin) failed_origins_.insert(origin);
    report_.violations.push_back({std::move(kind), std::move(node),
                                  std::move(origin), std::move(detail),
                                  std::move(evidence)});
  }

  // Parses and verifies one signed checkpoint note; nullopt with the
  // reason in `why` if it does not verify.
  std::optional<Sighting> Verify(const std::string& node,
                                 const std::string& note_text,
                                 std::string& why) {
    auto note = crypto::ParseNote(note_text);
    if (!note.ok()) {
      why = note.status().message();
      return std::nullopt;
    }
    auto c = crypto::ParseCheckpointText(note->text);
    if (!c.ok()) {
      why = c.status().message();
      return std::nullopt;
    }
    auto key = origin_keys_.find(c->origin);
    if (key == origin_keys_.end()) {
      why = "origin " + c->origin + " names no member of bundle version " +
            std::to_string(bundle_.version);
      return std::nullopt;
    }
    auto ok = crypto::VerifyNote(*note, std::span(&key->second, 1));
    if (!ok.ok()) {
      why = "checkpoint of " + c->origin + " at size " +
            std::to_string(c->size) + ": " + ok.status().message();
      return std::nullopt;
    }
    Sighting s{node, *std::move(c), *std::move(note), note_text, {}};
    auto origin_member =
        core::OriginNode(bundle_.federation, s.checkpoint.origin);
    auto witnesses = replication::VerifiedWitnesses(
        s.note, witness_keys_, origin_member.ok() ? *origin_member : "");
    if (witnesses.ok()) {
      s.witnesses = *std::move(witnesses);
    } else {
      Violate("bad-cosignature", node, s.checkpoint.origin,
              Where(s) + " serves the checkpoint at " + SizeRoot(s.checkpoint) +
                  " with " + witnesses.status().message(),
              {note_text}, /*blocks_origin=*/false);
    }
    return s;
  }

  void Fetch(NodeSource& n) {
    NodeSummary summary;
    summary.id = n.id();
    auto frontier = n.Frontier();
    if (!frontier.ok()) {
      Violate("unreachable", n.id(), "", frontier.status().ToString());
      report_.nodes.push_back(summary);
      return;
    }
    summary.reachable = true;
    NodeView view{&n, std::nullopt, frontier->state_head()};
    for (const v1::OriginHead& h : frontier->origins()) {
      if (h.frozen()) {
        Violate("equivocation-reported", n.id(), h.origin(),
                "node " + n.id() + " holds evidence that " + h.origin() +
                    " signed two contradicting checkpoints and refuses its "
                    "entries (imeisync status on that node shows both)");
      }
      const std::string& note = h.checkpoint().note();
      if (note.empty()) continue;
      std::string why;
      std::optional<Sighting> s = Verify(n.id(), note, why);
      if (!s) {
        Violate("bad-checkpoint", n.id(), h.origin(),
                "node " + n.id() + " serves a checkpoint of " + h.origin() +
                    " that does not verify: " + why,
                {note});
        continue;
      }
      if (s->checkpoint.origin != h.origin()) {
        Violate("bad-checkpoint", n.id(), h.origin(),
                "node " + n.id() + " serves a checkpoint of " +
                    s->checkpoint.origin + " as " + h.origin(),
                {note});
        continue;
      }
      ++summary.origins;
      sightings_[s->checkpoint.origin].push_back(*std::move(s));
    }
    CheckStateHead(n, *frontier, view, summary);
    views_.push_back(std::move(view));
    report_.nodes.push_back(summary);
  }

  void CheckStateHead(NodeSource& n, const v1::Frontier& frontier,
                      NodeView& view, NodeSummary& summary) {
    // A foreign member's node signs no state head for others: its state
    // holds its link's export, which only it may read (docs/links.md).
    if (const federation::Member* m = bundle_.FindMember(n.id());
        m != nullptr && m->role == federation::Role::kForeign) {
      return;
    }
    const std::string origin = core::OriginName(bundle_.federation, n.id());
    auto bad = [&](const std::string& why) {
      Violate("bad-state-head", n.id(), "",
              "node " + n.id() + "'s state head: " + why,
              {frontier.state_head()});
    };
    auto note = crypto::ParseNote(frontier.state_head());
    if (!note.ok()) return bad(note.status().message());
    auto key = origin_keys_.find(origin);
    if (key == origin_keys_.end()) return bad("the node is not a member");
    if (auto ok = crypto::VerifyNote(*note, std::span(&key->second, 1));
        !ok.ok()) {
      return bad(ok.status().message());
    }
    auto head = core::ParseStateHeadText(note->text);
    if (!head.ok()) return bad(head.status().message());
    if (head->node_origin != origin) {
      return bad("it is signed for " + head->node_origin);
    }
    if (rpc::HashBytes(head->state_root) != frontier.state_root()) {
      return bad("its state root differs from the one the frontier reports");
    }
    summary.state_root = head->state_root;
    summary.state_head_time_ms = head->time_ms;
    view.head = *std::move(head);
  }

  // The auditor's memory joins the sightings: a node that now serves
  // something inconsistent with an earlier run is caught.
  Status Remembered() {
    // An origin whose member the bundle no longer lists is forgotten: its
    // key is gone, so nothing it signed can be checked any more.
    std::erase_if(memory_.origins, [&](const auto& item) {
      const bool gone = !origin_keys_.contains(item.first);
      if (gone && options_.progress) {
        options_.progress("forgetting " + item.first +
                          ": no member of bundle version " +
                          std::to_string(bundle_.version) + " signs it");
      }
      return gone;
    });
    for (const auto& [origin, r] : memory_.origins) {
      std::string why;
      std::optional<Sighting> s = Verify("", r.note, why);
      if (!s || s->checkpoint.origin != origin) {
        return InvalidArgument(
            "the auditor's state remembers a checkpoint of " + origin +
            " that does not verify (" + why +
            "): the state file was altered; move it aside to start afresh");
      }
      sightings_[origin].push_back(*std::move(s));
    }
    return Status::Ok();
  }

  // Asks the nodes serving `big` for a consistency proof from `small`. One
  // proof that verifies settles it; a failing proof is a split view only
  // when no other server of `big` proves the two consistent, so that one
  // lying node cannot accuse an honest origin.
  void CheckConsistent(const Sighting& small, const Sighting& big,
                       const std::vector<std::string>& big_nodes) {
    const std::string& origin = big.checkpoint.origin;
    std::string errors;
    std::optional<std::pair<std::string, std::string>> failed;  // id, why
    for (const std::string& id : big_nodes) {
      NodeSource* source = SourceOf(id);
      if (source == nullptr) continue;
      auto proof = source->Consistency(origin, small.checkpoint.size,
                                       big.checkpoint.size);
      if (!proof.ok()) {
        errors += (errors.empty() ? "" : "; ") + proof.status().ToString();
        continue;
      }
      ++report_.consistency_proofs;
      Status ok = merkle::VerifyConsistency(
          small.checkpoint.size, big.checkpoint.size, small.checkpoint.root,
          big.checkpoint.root, *proof);
      if (ok.ok()) return;
      if (!failed) failed.emplace(id, ok.message());
    }
    if (failed) {
      Violate("split-view", "", origin,
              origin + ": " + SizeRoot(small.checkpoint) + " (from " +
                  Where(small) + ") is not a prefix of " +
                  SizeRoot(big.checkpoint) + " (from " + Where(big) +
                  "): node " + failed->first + "'s consistency proof fails (" +
                  failed->second + ")",
              {small.note_text, big.note_text});
      return;
    }
    Violate("unproven", "", origin,
            origin + ": no node serving " + SizeRoot(big.checkpoint) +
                " proved it consistent with " + SizeRoot(small.checkpoint) +
                " (from " + Where(small) + "): " + errors);
  }

  NodeSource* SourceOf(const std::string& id) {
    for (NodeView& v : views_) {
      if (v.source->id() == id) return v.source;
    }
    return nullptr;
  }

  void CheckOrigin(const std::string& origin) {
    std::vector<Sighting>& all = sightings_[origin];
    // Distinct checkpoints, largest first; each with the nodes serving it.
    std::vector<const Sighting*> distinct;
    std::map<std::pair<uint64_t, Hash32>, std::vector<std::string>> servers;
    std::sort(all.begin(), all.end(), [](const Sighting& a, const Sighting& b) {
      return a.checkpoint.size > b.checkpoint.size;
    });
    for (const Sighting& s : all) {
      auto key = std::make_pair(s.checkpoint.size, s.checkpoint.root);
      if (!servers.contains(key)) distinct.push_back(&s);
      if (!s.node.empty())
        servers[key].push_back(s.node);
      else
        servers[key];
    }
    const Sighting& big = *distinct.front();
    const auto big_key =
        std::make_pair(big.checkpoint.size, big.checkpoint.root);
    // When only the auditor's memory holds the largest checkpoint, every
    // node is behind what an earlier run saw: nobody here can prove the
    // smaller ones consistent with it, and that alone proves nothing.
    const bool nodes_behind = servers[big_key].empty();
    for (size_t i = 1; i < distinct.size(); ++i) {
      const Sighting& other = *distinct[i];
      if (other.checkpoint.size == big.checkpoint.size) {
        Violate("split-view", "", origin,
                origin + ": two checkpoints of size " +
                    std::to_string(big.checkpoint.size) +
                    " with different roots, from " + Where(big) + " and " +
                    Where(other),
                {big.note_text, other.note_text});
        continue;
      }
      if (!nodes_behind) CheckConsistent(other, big, servers[big_key]);
    }
    // The auditor's own last cosignature must be consistent too.
    auto remembered = memory_.origins.find(origin);
    if (remembered != memory_.origins.end() && remembered->second.cosigned) {
      const replication::CosignedHead& last = *remembered->second.cosigned;
      const bool known =
          std::any_of(distinct.begin(), distinct.end(), [&](const Sighting* s) {
            return s->checkpoint.size == last.size &&
                   s->checkpoint.root == last.root;
          });
      // The remembered note is at least as large as what was cosigned.
      if (!known && last.size > 0 && !nodes_behind) {
        Sighting cosigned;
        cosigned.checkpoint = {origin, last.size, last.root, {}};
        CheckConsistent(cosigned, big, servers[big_key]);
      }
    }

    OriginSummary summary;
    summary.origin = origin;
    summary.size = big.checkpoint.size;
    summary.root = big.checkpoint.root;
    summary.served_by = servers[big_key];
    summary.nodes_behind = nodes_behind;
    // The richest copy of the largest checkpoint: every verified
    // cosignature any node gathered.
    std::string richest = big.note_text;
    for (const Sighting& s : all) {
      if (s.checkpoint.size != big.checkpoint.size ||
          s.checkpoint.root != big.checkpoint.root) {
        continue;
      }
      auto merged =
          replication::MergeCosignatures(richest, s.note_text, witness_keys_);
      if (merged.ok() && *merged) richest = **merged;
    }
    auto richest_note = crypto::ParseNote(richest);
    auto origin_member = core::OriginNode(bundle_.federation, origin);
    if (richest_note.ok()) {
      // Keep the origin's signature and verified member cosignatures only.
      const crypto::NoteVerifier& origin_key = origin_keys_.at(origin);
      std::erase_if(richest_note->signatures,
                    [&](const crypto::NoteSignature& sig) {
                      if (origin_key.Matches(sig)) return false;
                      for (const replication::WitnessKey& k : witness_keys_) {
                        if (k.verifier.Matches(sig)) {
                          return !crypto::VerifyCosignature(richest_note->text,
                                                            sig, k.verifier)
                                      .ok();
                        }
                      }
                      return true;
                    });
      richest = crypto::FormatNote(*richest_note);
    }
    if (richest_note.ok()) {
      auto w = replication::VerifiedWitnesses(
          *richest_note, witness_keys_,
          origin_member.ok() ? *origin_member : "");
      if (w.ok()) summary.witnesses = *w;
    }
    if (failed_origins_.contains(origin)) {
      report_.origins.push_back(std::move(summary));
      return;  // nothing is remembered or cosigned for a failed origin
    }
    RememberedOrigin& r = memory_.origins[origin];
    r.note = richest;
    const bool own = origin_member.ok() && *origin_member == self_id_;
    const bool have_ours =
        std::find(summary.witnesses.begin(), summary.witnesses.end(),
                  self_id_) != summary.witnesses.end();
    const bool served_without_ours =
        std::any_of(all.begin(), all.end(), [&](const Sighting& s) {
          return !s.node.empty() && s.checkpoint == big.checkpoint &&
                 std::find(s.witnesses.begin(), s.witnesses.end(), self_id_) ==
                     s.witnesses.end();
        });
    const bool room = richest_note.ok() && richest_note->signatures.size() <
                                               crypto::kMaxNoteSignatures;
    if (options_.cosign && !own && room &&
        (!have_ours || served_without_ours)) {
      crypto::Note note = *richest_note;
      if (!have_ours) {
        note.signatures.push_back(cosigner_.Cosign(note.text, options_.now_s));
        r.cosigned = replication::CosignedHead{
            big.checkpoint.size, big.checkpoint.root, options_.now_s};
        summary.witnesses.push_back(self_id_);
      }
      r.note = crypto::FormatNote(note);
      summary.cosigned_now = !have_ours;
      report_.cosigned_notes.push_back(r.note);
    }
    report_.origins.push_back(std::move(summary));
  }

  // Every log a node's state head says it folded must be one its origin
  // signed: equal to a verified checkpoint, or proven consistent with the
  // largest one. Only a node's own log may run ahead of its signatures.
  void CheckFrontiers() {
    for (const NodeView& v : views_) {
      if (!v.head || IsLinkNode(v)) continue;
      const std::string& id = v.source->id();
      const std::string own = core::OriginName(bundle_.federation, id);
      for (const core::FrontierEntry& f : v.head->frontier) {
        auto it = sightings_.find(f.origin);
        const std::vector<Sighting>* seen =
            it == sightings_.end() ? nullptr : &it->second;
        auto fork = [&](const std::string& why) {
          Violate("state-head-fork", id, f.origin,
                  "node " + id + "'s state head lists " + f.origin +
                      " at size " + std::to_string(f.size) + " root " +
                      Base64Encode(f.root) + ": " + why,
                  {v.head_note}, /*blocks_origin=*/false);
        };
        if (seen == nullptr || seen->empty()) {
          if (f.origin != own) fork("no signed checkpoint of it is known");
          continue;
        }
        const Sighting* same = nullptr;
        for (const Sighting& s : *seen) {
          // In a split view several sightings share the size: the one
          // with the head's root, if any, is the one it lists.
          if (s.checkpoint.size == f.size &&
              (same == nullptr || s.checkpoint.root == f.root)) {
            same = &s;
          }
        }
        if (same != nullptr) {
          if (same->checkpoint.root != f.root) {
            fork("the origin signed root " +
                 Base64Encode(same->checkpoint.root) + " at that size");
          }
          continue;
        }
        const Sighting& big = seen->front();  // CheckOrigin sorted them
        uint64_t first = f.size, second = big.checkpoint.size;
        Hash32 first_root = f.root, second_root = big.checkpoint.root;
        NodeSource* prover = nullptr;
        if (f.size > big.checkpoint.size) {
          if (f.origin != own) {
            fork("beyond the largest signed checkpoint (size " +
                 std::to_string(big.checkpoint.size) + ")");
            continue;
          }
          std::swap(first, second);
          std::swap(first_root, second_root);
          prover = v.source;  // its own unsigned entries
        } else {
          for (const Sighting& s : *seen) {
            if (s.checkpoint == big.checkpoint && !s.node.empty()) {
              prover = SourceOf(s.node);
              if (prover != nullptr) break;
            }
          }
        }
        if (prover == nullptr || first == 0) continue;
        auto proof = prover->Consistency(f.origin, first, second);
        if (!proof.ok()) {
          fork("no consistency proof with the signed checkpoint: " +
               proof.status().ToString());
          continue;
        }
        ++report_.consistency_proofs;
        Status ok = merkle::VerifyConsistency(first, second, first_root,
                                              second_root, *proof);
        if (!ok.ok()) {
          fork("not consistent with the signed checkpoint at size " +
               std::to_string(big.checkpoint.size) + " (" + ok.message() + ")");
        }
      }
    }
  }

  void CompareStateRoots() {
    // Nodes grouped by the exact frontier their state heads list.
    std::map<std::vector<std::tuple<std::string, uint64_t, Hash32>>,
             std::vector<const NodeView*>>
        groups;
    for (const NodeView& v : views_) {
      if (!v.head) continue;
      std::vector<std::tuple<std::string, uint64_t, Hash32>> key;
      for (const core::FrontierEntry& f : v.head->frontier) {
        key.emplace_back(f.origin, f.size, f.root);
      }
      groups[key].push_back(&v);
    }
    for (const auto& [frontier, members] : groups) {
      const NodeView& first = *members.front();
      for (size_t i = 1; i < members.size(); ++i) {
        const NodeView& other = *members[i];
        if (other.head->state_root == first.head->state_root) continue;
        Violate("state-root-mismatch", "", "",
                "nodes " + first.source->id() + " and " + other.source->id() +
                    " list the same frontier (" +
                    std::to_string(frontier.size()) +
                    " origins) but sign state roots " +
                    Base64Encode(first.head->state_root) + " and " +
                    Base64Encode(other.head->state_root),
                {first.head_note, other.head_note});
      }
    }
  }

  // A foreign member's node folds its link's export log, which only it may
  // read (docs/links.md): its state is not the auditor's to check. Its own
  // log still is, with every other origin's.
  bool IsLinkNode(const NodeView& v) const {
    const federation::Member* m = bundle_.FindMember(v.source->id());
    return m != nullptr && m->role == federation::Role::kForeign;
  }

  Status Deep() {
    // Nodes with equal frontiers are replayed once, from the first of them;
    // each node's own entries are still what its state head commits to.
    std::map<std::string, ReplayResult> done;  // state head frontier text
    for (NodeView& v : views_) {
      if (!v.head || IsLinkNode(v)) continue;
      core::StateHead key_head = *v.head;
      key_head.node_origin = "x";
      key_head.time_ms = 0;
      key_head.state_root = Hash32{};
      const std::string key = core::FormatStateHeadText(key_head);
      auto it = done.find(key);
      // A replay whose logs did not match the head belongs to the node that
      // served them: it is never reused for another node's equal frontier.
      std::optional<ReplayResult> own;
      if (it == done.end()) {
        auto replay = ReplayState(*v.source, v.head->frontier, bundle_,
                                  options_.scratch, options_.progress);
        if (!replay.ok()) {
          // Whatever failed (the node's stream, or the scratch store), this
          // node's state is not shown to follow from its logs.
          Violate("deep-mismatch", v.source->id(), "",
                  "node " + v.source->id() + "'s logs could not be replayed: " +
                      replay.status().ToString());
          continue;
        }
        if (replay->log_mismatches.empty()) {
          it = done.emplace(key, *std::move(replay)).first;
        } else {
          own = *std::move(replay);
        }
      }
      const ReplayResult& r = own ? *own : it->second;
      for (NodeSummary& s : report_.nodes) {
        if (s.id == v.source->id()) s.replayed_root = r.state_root;
      }
      for (const std::string& m : r.log_mismatches) {
        Violate("deep-mismatch", v.source->id(), "",
                "node " + v.source->id() + "'s log " + m, {v.head_note});
      }
      if (r.state_root != v.head->state_root) {
        Violate("deep-mismatch", v.source->id(), "",
                "node " + v.source->id() + " signs state root " +
                    Base64Encode(v.head->state_root) + " but its logs (" +
                    std::to_string(v.head->frontier.size()) +
                    " origins, replayed under bundle version " +
                    std::to_string(bundle_.version) + ") fold to " +
                    Base64Encode(r.state_root),
                {v.head_note});
      }
    }
    return Status::Ok();
  }

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

}  // namespace

Result<AuditReport> RunAudit(const federation::Bundle& bundle,
                             std::span<NodeSource* const> nodes,
                             const std::string& self_id,
                             const crypto::Cosigner& cosigner,
                             const AuditOptions& options, AuditMemory& memory) {
  if (nodes.empty()) return InvalidArgument("no node to audit");
  Auditor auditor(bundle, self_id, cosigner, options, memory);
  return auditor.Run(nodes);
}

}  // namespace imeisync::node::auditor
