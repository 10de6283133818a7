#include "node/rpc/oprf_status.h"

#include "node/tags/oprf_budget.h"

namespace imeisync::node::rpc {

Status FillOprfStatus(core::Node& node, const tags::TagCacheCounters* counters,
                      v1::NodeStatus* out) {
  const auto bundle = node.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  if (!b.oprf) return Status::Ok();
  v1::OprfStatus* o = out->mutable_oprf();
  o->set_epoch(b.epoch);
  const bool evaluator = b.oprf->evaluator == node.id();
  o->set_evaluator(evaluator);
  IMEISYNC_ASSIGN_OR_RETURN(tags::TagCache cache,
                            tags::TagCache::Open(node.storage().env()));
  IMEISYNC_ASSIGN_OR_RETURN(tags::OprfBudgets budgets,
                            tags::OprfBudgets::Open(node.storage().env()));
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn,
                            node.storage().env().BeginRead());
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t cached, cache.Count(txn));
  o->set_cache_entries(cached);
  if (counters != nullptr) {
    o->set_cache_hits(counters->hits.load());
    o->set_cache_misses(counters->misses.load());
  }
  if (!evaluator) return Status::Ok();
  IMEISYNC_ASSIGN_OR_RETURN(auto used, budgets.UsedIn(txn, b.epoch));
  for (const federation::Member& m : b.members) {
    const uint64_t budget = federation::OprfBudget(b, m);
    auto it = used.find(m.id);
    if (budget == 0 && it == used.end()) continue;
    v1::OprfUsage* u = o->add_usage();
    u->set_member(m.id);
    u->set_used(it == used.end() ? 0 : it->second);
    u->set_budget(budget);
  }
  return Status::Ok();
}

}  // namespace imeisync::node::rpc
