// Each origin's checkpoints, from every node and the auditor's memory:
// that they can all be true, and which copy of the largest to cosign.
#include <algorithm>

#include "node/auditor/auditor_run.h"
#include "node/federation/origin_name.h"
#include "node/merkle/log_proof.h"

namespace imeisync::node::auditor::internal {

Status Auditor::Remembered() {
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

void Auditor::CheckConsistent(const Sighting& small, const Sighting& big,
                              const std::vector<std::string>& big_nodes) {
  const std::string& origin = big.checkpoint.origin;
  std::string errors;
  std::optional<std::pair<std::string, std::string>> failed;  // id, why
  for (const std::string& id : big_nodes) {
    NodeSource* source = SourceOf(id);
    if (source == nullptr) continue;
    auto proof =
        source->Consistency(origin, small.checkpoint.size, big.checkpoint.size);
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
                SizeRoot(big.checkpoint) + " (from " + Where(big) + "): node " +
                failed->first + "'s consistency proof fails (" +
                failed->second + ")",
            {small.note_text, big.note_text});
    return;
  }
  Violate("unproven", "", origin,
          origin + ": no node serving " + SizeRoot(big.checkpoint) +
              " proved it consistent with " + SizeRoot(small.checkpoint) +
              " (from " + Where(small) + "): " + errors);
}

void Auditor::CheckOrigin(const std::string& origin) {
  std::vector<Sighting>& all = sightings_[origin];
  const Distinct seen = Group(all);
  const Sighting& big = seen.big();
  CheckSmaller(origin, seen);
  CheckLastCosigned(origin, seen);

  OriginSummary summary;
  summary.origin = origin;
  summary.size = big.checkpoint.size;
  summary.root = big.checkpoint.root;
  summary.served_by = seen.big_servers();
  summary.nodes_behind = seen.nodes_behind;
  const Richest richest = RichestCopy(origin, all, big);
  auto origin_member = federation::OriginNode(bundle_.federation, origin);
  if (richest.note.ok()) {
    auto w = replication::VerifiedWitnesses(
        *richest.note, witness_keys_, origin_member.ok() ? *origin_member : "");
    if (w.ok()) summary.witnesses = *w;
  }
  if (failed_origins_.contains(origin)) {
    report_.origins.push_back(std::move(summary));
    return;  // nothing is remembered or cosigned for a failed origin
  }
  const bool own = origin_member.ok() && *origin_member == self_id_;
  RememberAndCosign(origin, all, big, own, richest, summary);
  report_.origins.push_back(std::move(summary));
}

Auditor::Distinct Auditor::Group(std::vector<Sighting>& all) {
  Distinct seen;
  std::vector<const Sighting*>& distinct = seen.checkpoints;
  auto& servers = seen.servers;
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
  seen.big_key = std::make_pair(big.checkpoint.size, big.checkpoint.root);
  // When only the auditor's memory holds the largest checkpoint, every
  // node is behind what an earlier run saw: nobody here can prove the
  // smaller ones consistent with it, and that alone proves nothing.
  seen.nodes_behind = servers[seen.big_key].empty();
  return seen;
}

void Auditor::CheckSmaller(const std::string& origin, const Distinct& seen) {
  const Sighting& big = seen.big();
  for (size_t i = 1; i < seen.checkpoints.size(); ++i) {
    const Sighting& other = *seen.checkpoints[i];
    if (other.checkpoint.size == big.checkpoint.size) {
      Violate("split-view", "", origin,
              origin + ": two checkpoints of size " +
                  std::to_string(big.checkpoint.size) +
                  " with different roots, from " + Where(big) + " and " +
                  Where(other),
              {big.note_text, other.note_text});
      continue;
    }
    if (!seen.nodes_behind) CheckConsistent(other, big, seen.big_servers());
  }
}

void Auditor::CheckLastCosigned(const std::string& origin,
                                const Distinct& seen) {
  const std::vector<const Sighting*>& distinct = seen.checkpoints;
  auto remembered = memory_.origins.find(origin);
  if (remembered != memory_.origins.end() && remembered->second.cosigned) {
    const replication::CosignedHead& last = *remembered->second.cosigned;
    const bool known =
        std::any_of(distinct.begin(), distinct.end(), [&](const Sighting* s) {
          return s->checkpoint.size == last.size &&
                 s->checkpoint.root == last.root;
        });
    // The remembered note is at least as large as what was cosigned.
    if (!known && last.size > 0 && !seen.nodes_behind) {
      Sighting cosigned;
      cosigned.checkpoint = {origin, last.size, last.root, {}};
      CheckConsistent(cosigned, seen.big(), seen.big_servers());
    }
  }
}

Auditor::Richest Auditor::RichestCopy(const std::string& origin,
                                      const std::vector<Sighting>& all,
                                      const Sighting& big) {
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
  Result<crypto::Note> richest_note = crypto::ParseNote(richest);
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
  return {std::move(richest), std::move(richest_note)};
}

}  // namespace imeisync::node::auditor::internal
