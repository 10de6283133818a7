// PeerSync's divergence check: equal frontiers must give equal state
// roots; when they do not, a Merkle descent finds the registers that
// differ (docs/design.md "Divergence").
#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "base/hex.h"
#include "node/merkle/state_diff.h"
#include "node/rpc/peer_sync.h"
#include "node/rpc/remote_state_view.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

// Differing register keys written to the log per divergence.
constexpr size_t kLoggedKeys = 20;

}  // namespace

Status PeerSync::CompareState(const v1::Frontier& theirs) {
  {
    // Across a link the two sides hold different logs by design, and a
    // foreign member is shown no state root.
    auto bundle = node_.bundles().Current();
    const federation::Member* peer = bundle->bundle.FindMember(options_.id);
    if (node_.bundles().role() == federation::Role::kForeign ||
        (peer != nullptr && peer->role == federation::Role::kForeign)) {
      return Status::Ok();
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 their_root,
                            ParseHash(theirs.state_root(), "state root"));
  IMEISYNC_ASSIGN_OR_RETURN(
      core::NodeSnapshot ours,
      node_.state_heads().Snapshot(/*sign_state_head=*/false));
  if (ours.origins.size() != static_cast<size_t>(theirs.origins_size())) {
    return Status::Ok();
  }
  for (size_t i = 0; i < ours.origins.size(); ++i) {
    const v1::OriginHead& t = theirs.origins(static_cast<int>(i));
    const core::OriginState& o = ours.origins[i];
    if (t.origin() != o.origin || t.size() != o.head.size ||
        t.root() != HashBytes(o.head.root)) {
      return Status::Ok();  // different frontiers: roots may differ
    }
  }
  if (their_root == ours.state_root) return Status::Ok();

  // Equal frontiers, different roots: find the registers that differ.
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn,
                            node_.storage().env().BeginRead());
  merkle::LocalStateView local(node_.storage().fold().tree(), txn);
  RemoteStateView remote(*state_sync_, options_.rpc_deadline);
  auto diff = merkle::DiffStateTrees(local, remote);
  if (!diff.ok()) return diff.status();
  core::DivergenceRecord record{options_.id, UnixMillis(), diff->size(),
                                ours.state_root, their_root};
  if (divergences_.Record(record)) {
    spdlog::error(
        "DIVERGENCE with {}: equal frontiers ({} origins) but state roots "
        "{} (ours) and {} (theirs); {} registers differ",
        options_.id, ours.origins.size(), HexEncode(ours.state_root),
        HexEncode(their_root), diff->size());
    for (size_t i = 0; i < diff->size() && i < kLoggedKeys; ++i) {
      const auto& d = (*diff)[i];
      spdlog::error("  register {}: ours {} theirs {}", HexEncode(d.key),
                    d.a ? HexEncode(*d.a) : "absent",
                    d.b ? HexEncode(*d.b) : "absent");
    }
  }
  return Status::Ok();
}

}  // namespace imeisync::node::rpc
