#include "node/auditor/audit.h"

#include <algorithm>

#include "base/base64.h"
#include "node/auditor/auditor_run.h"
#include "node/federation/origin_name.h"

namespace imeisync::node::auditor::internal {

std::string Where(const Sighting& s) {
  return s.node.empty() ? "the auditor's memory" : "node " + s.node;
}

std::string SizeRoot(const crypto::Checkpoint& c) {
  return "size " + std::to_string(c.size) + " root " + Base64Encode(c.root);
}

Auditor::Auditor(const federation::Bundle& bundle, const std::string& self_id,
                 const crypto::Cosigner& cosigner, const AuditOptions& options,
                 AuditMemory& memory)
    : bundle_(bundle),
      self_id_(self_id),
      cosigner_(cosigner),
      options_(options),
      memory_(memory) {
  for (const federation::Member& m : bundle.members) {
    const std::string origin = federation::OriginName(bundle.federation, m.id);
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

Result<AuditReport> Auditor::Run(std::span<NodeSource* const> nodes) {
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

void Auditor::Violate(std::string kind, std::string node, std::string origin,
                      std::string detail, std::vector<std::string> evidence,
                      bool blocks_origin) {
  if (!origin.empty() && blocks_origin) failed_origins_.insert(origin);
  report_.violations.push_back({std::move(kind), std::move(node),
                                std::move(origin), std::move(detail),
                                std::move(evidence)});
}

std::optional<Sighting> Auditor::Verify(const std::string& node,
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
    why = "checkpoint of " + c->origin + " at size " + std::to_string(c->size) +
          ": " + ok.status().message();
    return std::nullopt;
  }
  Sighting s{node, *std::move(c), *std::move(note), note_text, {}};
  auto origin_member =
      federation::OriginNode(bundle_.federation, s.checkpoint.origin);
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

void Auditor::Fetch(NodeSource& n) {
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

NodeSource* Auditor::SourceOf(const std::string& id) {
  for (NodeView& v : views_) {
    if (v.source->id() == id) return v.source;
  }
  return nullptr;
}

void Auditor::RememberAndCosign(const std::string& origin,
                                const std::vector<Sighting>& all,
                                const Sighting& big, bool own,
                                const Richest& richest,
                                OriginSummary& summary) {
  RememberedOrigin& r = memory_.origins[origin];
  r.note = richest.text;
  const bool have_ours =
      std::find(summary.witnesses.begin(), summary.witnesses.end(), self_id_) !=
      summary.witnesses.end();
  const bool served_without_ours =
      std::any_of(all.begin(), all.end(), [&](const Sighting& s) {
        return !s.node.empty() && s.checkpoint == big.checkpoint &&
               std::find(s.witnesses.begin(), s.witnesses.end(), self_id_) ==
                   s.witnesses.end();
      });
  const bool room = richest.note.ok() && richest.note->signatures.size() <
                                             crypto::kMaxNoteSignatures;
  if (options_.cosign && !own && room && (!have_ours || served_without_ours)) {
    crypto::Note note = *richest.note;
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
}

}  // namespace imeisync::node::auditor::internal

namespace imeisync::node::auditor {

Result<AuditReport> RunAudit(const federation::Bundle& bundle,
                             std::span<NodeSource* const> nodes,
                             const std::string& self_id,
                             const crypto::Cosigner& cosigner,
                             const AuditOptions& options, AuditMemory& memory) {
  if (nodes.empty()) return InvalidArgument("no node to audit");
  internal::Auditor auditor(bundle, self_id, cosigner, options, memory);
  return auditor.Run(nodes);
}

}  // namespace imeisync::node::auditor
