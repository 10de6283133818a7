#include "node/core/own_log.h"

#include <set>
#include <utility>

#include "base/clock.h"
#include "node/imei.h"
#include "node/replication/checkpoint_signing.h"

namespace imeisync::node::core {

Result<SubmitResult> OwnLog::Submit(Action action, Reason reason,
                                    std::span<const std::string> imeis,
                                    uint64_t issued_at_ms) {
  std::vector<SubmitItem> items;
  items.reserve(imeis.size());
  for (const std::string& imei : imeis) {
    items.push_back({imei, reason, issued_at_ms});
  }
  return Submit(action, items, /*skip_existing=*/false);
}

Result<std::vector<Hash32>> OwnLog::TagItems(
    std::span<const SubmitItem> items) const {
  std::vector<std::string> imei14s;
  imei14s.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto imei = Imei::Parse(items[i].imei);
    if (!imei.ok()) {
      return InvalidArgument(
          "IMEI " + std::to_string(i + 1) + " of " +
          std::to_string(items.size()) + " (\"" + items[i].imei.substr(0, 40) +
          "\"): " + imei.status().message() + "; nothing was submitted");
    }
    imei14s.emplace_back(imei->imei14());
  }
  return tags_.Tags(imei14s);
}

Result<SubmitResult> OwnLog::Submit(Action action,
                                    std::span<const SubmitItem> items,
                                    bool skip_existing) {
  if (items.empty()) return InvalidArgument("no IMEI given");
  const BundleHolder::OwnAllowance allowed = bundles_.Own();
  for (const SubmitItem& item : items) {
    if (!federation::Allows(allowed.policy, allowed.role, action,
                            item.reason)) {
      return PermissionDenied(
          "the bundle's policy (version " + std::to_string(allowed.version) +
          ") does not allow " +
          (allowed.role == federation::Role::kForeign
               ? "this foreign member's link"
               : "role " + std::string(federation::RoleName(allowed.role))) +
          " to issue " + std::string(ActionName(action)) + " " +
          std::string(ReasonName(item.reason)) + "; nothing was submitted");
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> tags, TagItems(items));
  const uint64_t now = UnixMillis();
  std::vector<Entry> entries;
  entries.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const uint64_t at = items[i].issued_at_ms ? items[i].issued_at_ms : now;
    entries.push_back(Entry{action, items[i].reason, tags[i], at});
  }
  SubmitResult result;
  result.origin = origin();
  const replication::OriginLogs& logs = storage_.logs();
  Status written = storage_.env().Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead before,
                              logs.Head(txn, origin()));
    result.first_index = before.size;
    std::vector<Entry> kept;
    if (skip_existing) {
      IMEISYNC_ASSIGN_OR_RETURN(kept, FreshEntries(txn, entries));
    }
    const std::vector<Entry>& append = skip_existing ? kept : entries;
    result.count = append.size();
    result.skipped = entries.size() - append.size();
    if (append.empty()) return Status::Ok();
    IMEISYNC_RETURN_IF_ERROR(logs.Append(txn, origin(), append).status());
    return storage_.fold()
        .Fold(txn, allowed.policy, allowed.role, origin(), before.size, append)
        .status();
  });
  if (!written.ok()) return written;
  return result;
}

Result<std::vector<Entry>> OwnLog::FreshEntries(
    const store::Txn& txn, std::span<const Entry> entries) const {
  std::vector<Entry> out;
  out.reserve(entries.size());
  std::set<std::pair<Hash32, Reason>> seen;
  for (const Entry& e : entries) {
    if (!seen.insert({e.tag, e.reason}).second) continue;
    IMEISYNC_ASSIGN_OR_RETURN(
        std::optional<state::Register> latest,
        storage_.fold().Latest(txn, e.tag, origin(), e.reason, e.action));
    if (latest && latest->entry.action == e.action) continue;
    out.push_back(e);
  }
  return out;
}

Result<uint64_t> OwnLog::SignedSize() {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, storage_.env().BeginRead());
  return storage_.logs().SignedSize(txn, origin());
}

Result<std::optional<std::string>> OwnLog::SignCheckpoint() {
  std::lock_guard lock(sign_mu_);
  return replication::SignNewCheckpoint(storage_.env(), storage_.logs(),
                                        signer_);
}

}  // namespace imeisync::node::core
