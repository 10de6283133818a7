// Each node's signed state head: its signature, the logs it lists, the
// state root it signs, and with `deep`, a replay of its logs.
#include <map>
#include <tuple>

#include "base/base64.h"
#include "node/auditor/auditor_run.h"
#include "node/auditor/replay.h"
#include "node/federation/origin_name.h"
#include "node/merkle/log_proof.h"
#include "node/rpc/wire.h"

namespace imeisync::node::auditor::internal {

void Auditor::CheckStateHead(NodeSource& n, const v1::Frontier& frontier,
                             NodeView& view, NodeSummary& summary) {
  // A foreign member's node signs no state head for others: its state
  // holds its link's export, which only it may read (docs/links.md).
  if (const federation::Member* m = bundle_.FindMember(n.id());
      m != nullptr && m->role == federation::Role::kForeign) {
    return;
  }
  const std::string origin = federation::OriginName(bundle_.federation, n.id());
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
  auto head = state::ParseStateHeadText(note->text);
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

void Auditor::CheckFrontiers() {
  for (const NodeView& v : views_) {
    if (!v.head || IsLinkNode(v)) continue;
    const std::string& id = v.source->id();
    const std::string own = federation::OriginName(bundle_.federation, id);
    for (const state::FrontierEntry& f : v.head->frontier) {
      auto it = sightings_.find(f.origin);
      const std::vector<Sighting>* seen =
          it == sightings_.end() ? nullptr : &it->second;
      auto fork = [&](const std::string& why) {
        Violate("state-head-fork", id, f.origin,
                "node " + id + "'s state head lists " + f.origin + " at size " +
                    std::to_string(f.size) + " root " + Base64Encode(f.root) +
                    ": " + why,
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
          fork("the origin signed root " + Base64Encode(same->checkpoint.root) +
               " at that size");
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

void Auditor::CompareStateRoots() {
  // Nodes grouped by the exact frontier their state heads list.
  std::map<std::vector<std::tuple<std::string, uint64_t, Hash32>>,
           std::vector<const NodeView*>>
      groups;
  for (const NodeView& v : views_) {
    if (!v.head) continue;
    std::vector<std::tuple<std::string, uint64_t, Hash32>> key;
    for (const state::FrontierEntry& f : v.head->frontier) {
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

bool Auditor::IsLinkNode(const NodeView& v) const {
  const federation::Member* m = bundle_.FindMember(v.source->id());
  return m != nullptr && m->role == federation::Role::kForeign;
}

Status Auditor::Deep() {
  // Nodes with equal frontiers are replayed once, from the first of them;
  // each node's own entries are still what its state head commits to.
  std::map<std::string, ReplayResult> done;  // state head frontier text
  for (NodeView& v : views_) {
    if (!v.head || IsLinkNode(v)) continue;
    state::StateHead key_head = *v.head;
    key_head.node_origin = "x";
    key_head.time_ms = 0;
    key_head.state_root = Hash32{};
    const std::string key = state::FormatStateHeadText(key_head);
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

}  // namespace imeisync::node::auditor::internal
