#include "node/core/device_checks.h"

#include "node/federation/links.h"
#include "node/imei.h"
#include "node/verdict/import_rules.h"

namespace imeisync::node::core {

Result<DeviceChecks> DeviceChecks::Open(Node& node) {
  IMEISYNC_ASSIGN_OR_RETURN(verdict::LocalData local,
                            verdict::LocalData::Open(node.storage().env()));
  return DeviceChecks(node, local);
}

Result<std::vector<CheckResult>> DeviceChecks::Check(
    std::span<const CheckRequest> requests, uint64_t now_ms) const {
  std::vector<CheckResult> out(requests.size());
  // Every well-formed request's tag first, in one batch: in oprf mode the
  // uncached ones cost one round trip to the evaluator, not one each.
  std::vector<std::string> imei14s;
  std::vector<size_t> tagged;  // request index of each imei14s element
  for (size_t i = 0; i < requests.size(); ++i) {
    const CheckRequest& req = requests[i];
    auto imei = Imei::Parse(req.imei);
    if (!imei.ok()) {
      out[i].status = imei.status();
    } else if (!req.imsi.empty() && !verdict::IsValidImsi(req.imsi)) {
      out[i].status = InvalidArgument("IMSI must be 5 to 15 digits");
    } else {
      imei14s.emplace_back(imei->imei14());
      tagged.push_back(i);
    }
  }
  std::vector<Hash32> tags;
  if (!imei14s.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(tags, node_->tags().Tags(imei14s));
  }
  const auto bundle = node_->bundles().Current();
  // A foreign member holds no registry: registration cannot count there.
  federation::Policy policy = bundle->bundle.policy;
  if (node_->bundles().role() == federation::Role::kForeign) {
    policy.registration_required = false;
  }
  const verdict::OriginRules origin_rules =
      verdict::ImportRules(bundle->bundle, node_->id());
  const uint32_t today = verdict::DayOf(now_ms);
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn,
                            node_->storage().env().BeginRead());
  std::map<std::string, uint64_t, std::less<>> counted;  // origin -> size
  for (size_t t = 0; t < tagged.size(); ++t) {
    const CheckRequest& req = requests[tagged[t]];
    CheckResult& result = out[tagged[t]];
    const Hash32& tag = tags[t];
    IMEISYNC_ASSIGN_OR_RETURN(std::vector<state::Register> registers,
                              node_->storage().fold().RegistersOf(txn, tag));
    if (policy.witness_quorum > 0) {
      IMEISYNC_RETURN_IF_ERROR(
          DropUnwitnessed(txn, policy, counted, registers));
    }
    verdict::LocalFacts facts;
    if (!req.imsi.empty()) {
      IMEISYNC_ASSIGN_OR_RETURN(facts.paired,
                                local_.IsPaired(txn, tag, req.imsi));
    }
    if (policy.registration_required && !facts.paired) {
      IMEISYNC_ASSIGN_OR_RETURN(facts.first_seen_day,
                                local_.FirstSeen(txn, tag));
    }
    verdict::Decision d =
        verdict::Decide(policy, registers, facts, today, origin_rules);
    if (policy.registration_required && !facts.paired &&
        !facts.first_seen_day &&
        verdict::RegistrationMissing(policy, registers)) {
      std::lock_guard lock(unseen_->mu);
      if (unseen_->days.size() < kMaxUnseen) unseen_->days.emplace(tag, today);
    }
    result.verdict = d.verdict;
    result.rule = d.rule;
    for (uint16_t b : d.basis) {
      state::Register& r = registers[b];
      result.causes.push_back({std::move(r.origin), r.index, r.entry});
    }
  }
  return out;
}

Status DeviceChecks::DropUnwitnessed(
    const store::Txn& txn, const federation::Policy& policy,
    std::map<std::string, uint64_t, std::less<>>& counted,
    std::vector<state::Register>& registers) const {
  for (const state::Register& r : registers) {
    if (counted.contains(r.origin)) continue;
    IMEISYNC_ASSIGN_OR_RETURN(
        uint64_t size, node_->witnessing().CountedSize(txn, r.origin, policy));
    counted.emplace(r.origin, size);
  }
  std::erase_if(registers, [&](const state::Register& r) {
    return r.index >= counted.find(r.origin)->second;
  });
  return Status::Ok();
}

Result<Hash32> DeviceChecks::TagOf(std::string_view imei) const {
  IMEISYNC_ASSIGN_OR_RETURN(Imei parsed, Imei::Parse(imei));
  return node_->tags().TagOf(parsed.imei14());
}

Status DeviceChecks::Pair(std::string_view imei, std::string_view imsi) {
  return SetPaired(imei, imsi, true);
}

Status DeviceChecks::Unpair(std::string_view imei, std::string_view imsi) {
  return SetPaired(imei, imsi, false);
}

Status DeviceChecks::SetPaired(std::string_view imei, std::string_view imsi,
                               bool paired) {
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 tag, TagOf(imei));
  if (!verdict::IsValidImsi(imsi)) {
    return InvalidArgument("IMSI must be 5 to 15 digits");
  }
  return node_->storage().env().Update([&](store::WriteTxn& txn) {
    return paired ? local_.Pair(txn, tag, imsi) : local_.Unpair(txn, tag, imsi);
  });
}

Status DeviceChecks::SetFirstSeen(std::string_view imei, uint32_t day) {
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 tag, TagOf(imei));
  return node_->storage().env().Update(
      [&](store::WriteTxn& txn) { return local_.SetFirstSeen(txn, tag, day); });
}

Result<LocalCounts> DeviceChecks::Counts() const {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn,
                            node_->storage().env().BeginRead());
  LocalCounts c;
  IMEISYNC_ASSIGN_OR_RETURN(c.pairs, local_.PairCount(txn));
  IMEISYNC_ASSIGN_OR_RETURN(c.first_seen, local_.SeenCount(txn));
  return c;
}

}  // namespace imeisync::node::core

namespace imeisync::node::core {

Result<uint64_t> DeviceChecks::RecordFirstSeen() {
  std::map<Hash32, uint32_t> days;
  {
    std::lock_guard lock(unseen_->mu);
    days.swap(unseen_->days);
  }
  if (days.empty()) return uint64_t{0};
  uint64_t written = 0;
  Status s = node_->storage().env().Update([&](store::WriteTxn& txn) -> Status {
    written = 0;
    for (const auto& [tag, day] : days) {
      IMEISYNC_ASSIGN_OR_RETURN(std::optional<uint32_t> old,
                                local_.FirstSeen(txn, tag));
      if (old) continue;
      IMEISYNC_RETURN_IF_ERROR(local_.SetFirstSeen(txn, tag, day));
      ++written;
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    // Keep them for the next attempt (newer entries win; the map is capped).
    std::lock_guard lock(unseen_->mu);
    for (const auto& [tag, day] : days) {
      if (unseen_->days.size() >= kMaxUnseen) break;
      unseen_->days.emplace(tag, day);
    }
    return s;
  }
  return written;
}

}  // namespace imeisync::node::core
