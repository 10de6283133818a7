#include "node/core/state_heads.h"

#include <utility>

#include "base/clock.h"
#include "node/state/state_head.h"

namespace imeisync::node::core {

bool StateHeads::IsOwnExportLog(std::string_view origin) const {
  const std::string& self = signer_.name();
  return origin.size() > self.size() + 8 && origin.starts_with(self) &&
         origin.substr(self.size(), 8) == "/export/";
}

Result<NodeSnapshot> StateHeads::Snapshot(bool sign_state_head) const {
  const replication::OriginLogs& logs = storage_.logs();
  NodeSnapshot snap;
  state::StateHead head;
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
    IMEISYNC_ASSIGN_OR_RETURN(auto frontier, logs.Frontier(txn));
    for (auto& [origin, log_head] : frontier) {
      OriginState o;
      o.origin = origin;
      o.head = log_head;
      auto note = logs.CheckpointNote(txn, origin);
      if (note.ok()) {
        o.note = *std::move(note);
      } else if (note.status().code() != StatusCode::kNotFound) {
        return note.status();
      }
      IMEISYNC_ASSIGN_OR_RETURN(o.frozen, logs.Frozen(txn, origin));
      if (IsOwnExportLog(origin)) {
        snap.exports.push_back(std::move(o));
        continue;
      }
      head.frontier.push_back({origin, log_head.size, log_head.root});
      snap.origins.push_back(std::move(o));
    }
    IMEISYNC_ASSIGN_OR_RETURN(snap.state_root, storage_.fold().Root(txn));
    IMEISYNC_ASSIGN_OR_RETURN(snap.registers,
                              storage_.fold().RegisterCount(txn));
  }
  if (!sign_state_head) return snap;
  head.node_origin = signer_.name();
  head.time_ms = UnixMillis();
  head.state_root = snap.state_root;
  crypto::Note note;
  note.text = state::FormatStateHeadText(head);
  note.signatures.push_back(signer_.Sign(note.text));
  snap.state_head_note = crypto::FormatNote(note);
  return snap;
}

Result<std::string> StateHeads::SignStateHead(const store::Txn& txn) const {
  state::StateHead head;
  head.node_origin = signer_.name();
  IMEISYNC_ASSIGN_OR_RETURN(auto frontier, storage_.logs().Frontier(txn));
  for (auto& [origin, log_head] : frontier) {
    if (IsOwnExportLog(origin)) continue;
    head.frontier.push_back({origin, log_head.size, log_head.root});
  }
  IMEISYNC_ASSIGN_OR_RETURN(head.state_root, storage_.fold().Root(txn));
  head.time_ms = UnixMillis();
  crypto::Note note;
  note.text = state::FormatStateHeadText(head);
  note.signatures.push_back(signer_.Sign(note.text));
  return crypto::FormatNote(note);
}

}  // namespace imeisync::node::core
