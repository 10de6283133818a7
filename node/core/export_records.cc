#include "node/core/export_records.h"

#include <algorithm>

#include "base/big_endian.h"
#include "node/federation/origin_name.h"
#include "node/store/cursor.h"

namespace imeisync::node::core {
namespace {

// len(1) link
Bytes LinkPrefix(std::string_view link) {
  Bytes k{static_cast<uint8_t>(link.size())};
  k.insert(k.end(), link.begin(), link.end());
  return k;
}

}  // namespace

// export_cursors: len(1) link len(1) origin -> entries read (8)
Bytes CursorKey(std::string_view link, std::string_view origin) {
  Bytes k = LinkPrefix(link);
  k.push_back(static_cast<uint8_t>(origin.size()));
  k.insert(k.end(), origin.begin(), origin.end());
  return k;
}

namespace {

// export_blocks: len(1) link tag(32) reason(1) [len(1) origin] -> ""
// The prefix without the origin covers every source of one (tag, reason).
Bytes BlockPrefix(std::string_view link, const Hash32& tag, Reason reason) {
  Bytes k = LinkPrefix(link);
  k.insert(k.end(), tag.begin(), tag.end());
  k.push_back(static_cast<uint8_t>(reason));
  return k;
}

Bytes BlockKey(const Bytes& prefix, std::string_view origin) {
  Bytes k = prefix;
  k.push_back(static_cast<uint8_t>(origin.size()));
  k.insert(k.end(), origin.begin(), origin.end());
  return k;
}

// export_cursors: len(1) link 0x00 -> mask(1) exported(8): the
// export_reasons the log was derived under, one bit per reason value, and
// how many (tag, reason) pairs are exported now. No origin is empty, so
// this key is no cursor's.
Bytes DefinitionKey(std::string_view link) {
  Bytes k = LinkPrefix(link);
  k.push_back(0);
  return k;
}

uint8_t ReasonMask(const std::set<Reason>& reasons) {
  uint8_t mask = 0;
  for (Reason r : reasons) mask |= uint8_t(1u << (static_cast<uint8_t>(r) - 1));
  return mask;
}

std::string ReasonList(uint8_t mask) {
  std::string out;
  for (uint8_t v = 1; v <= 8; ++v) {
    if ((mask & (1u << (v - 1))) == 0) continue;
    if (!out.empty()) out += ",";
    out += ReasonName(static_cast<Reason>(v));
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Result<std::optional<Definition>> ReadDefinition(const store::Txn& txn,
                                                 store::Db cursors,
                                                 std::string_view link) {
  auto v = txn.Get(cursors, DefinitionKey(link));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return std::optional<Definition>();
    }
    return v.status();
  }
  if (v->size() != 9) return DataLoss("malformed export definition record");
  return std::optional<Definition>(Definition{(*v)[0], LoadU64(v->subspan(1))});
}

Status WriteDefinition(store::WriteTxn& txn, store::Db cursors,
                       std::string_view link, const Definition& d) {
  Bytes v{d.mask};
  AppendU64(v, d.exported);
  return txn.Put(cursors, DefinitionKey(link), v);
}

// The definition the export log of `link` was derived under: the first
// time, the bundle's. FailedPrecondition if the bundle now exports other
// reasons.
Result<Definition> CheckDefinition(const store::Txn& txn, store::Db cursors,
                                   const federation::Link& link) {
  const uint8_t want = ReasonMask(link.export_reasons);
  IMEISYNC_ASSIGN_OR_RETURN(std::optional<Definition> held,
                            ReadDefinition(txn, cursors, link.member));
  if (!held) return Definition{want, 0};
  if (held->mask == want) return *held;
  return FailedPrecondition(
      "the export log of link " + link.member + " was derived for " +
      ReasonList(held->mask) + ", the bundle now exports " + ReasonList(want) +
      ": an export log cannot be re-derived in place. Nothing is exported "
      "for this link; link the regulator again under a new member id");
}

namespace {

bool StartsWith(ByteView key, const Bytes& prefix) {
  return key.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), key.begin());
}

Result<bool> Exists(const store::Txn& txn, store::Db db, ByteView key) {
  auto v = txn.Get(db, key);
  if (v.ok()) return true;
  if (v.status().code() == StatusCode::kNotFound) return false;
  return v.status();
}

// Whether any source still blocks the (tag, reason) of `prefix`.
Result<bool> AnySource(const store::Txn& txn, store::Db db,
                       const Bytes& prefix) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Cursor c, txn.NewCursor(db));
  c.Seek(prefix);
  const bool any = c.Valid() && StartsWith(c.key(), prefix);
  IMEISYNC_RETURN_IF_ERROR(c.status());
  return any;
}

// What domestic entry `e` of `origin` does to the set `link` exports:
// records or ends the origin's block, and appends to `emitted` the export
// entry a change of the set causes, if any.
Status ExportEntry(store::WriteTxn& txn, store::Db blocks,
                   const federation::Link& link,
                   const federation::RolePolicy& allowed,
                   const std::string& origin, const Entry& e,
                   std::vector<Entry>& emitted) {
  if (!e.source.empty() || allowed.actions.count(e.action) == 0 ||
      allowed.reasons.count(e.reason) == 0 ||
      link.export_reasons.count(e.reason) == 0 || e.action == Action::kAllow) {
    return Status::Ok();
  }
  const Bytes prefix = BlockPrefix(link.member, e.tag, e.reason);
  const Bytes key = BlockKey(prefix, origin);
  IMEISYNC_ASSIGN_OR_RETURN(bool had, Exists(txn, blocks, key));
  if (e.action == Action::kBlock) {
    if (had) return Status::Ok();
    IMEISYNC_ASSIGN_OR_RETURN(bool any, AnySource(txn, blocks, prefix));
    IMEISYNC_RETURN_IF_ERROR(txn.Put(blocks, key, Bytes{}));
    if (!any) {
      emitted.push_back(
          Entry{Action::kBlock, e.reason, e.tag, e.issued_at_ms, origin});
    }
    return Status::Ok();
  }
  // CLEAR, REGISTER, DEREGISTER end this origin's block.
  if (!had) return Status::Ok();
  IMEISYNC_RETURN_IF_ERROR(txn.Delete(blocks, key));
  IMEISYNC_ASSIGN_OR_RETURN(bool any, AnySource(txn, blocks, prefix));
  if (!any) {
    emitted.push_back(
        Entry{Action::kClear, e.reason, e.tag, e.issued_at_ms, origin});
  }
  return Status::Ok();
}

// Where `link`'s export has read `origin` up to: 0 before its first read.
Result<uint64_t> ReadCursor(const store::Txn& txn, store::Db cursors,
                            const Bytes& cursor_key) {
  auto v = txn.Get(cursors, cursor_key);
  if (v.ok()) {
    if (v->size() != 8) return DataLoss("malformed export cursor");
    return LoadU64(*v);
  }
  if (v.status().code() != StatusCode::kNotFound) return v.status();
  return uint64_t{0};
}

}  // namespace

// Reads up to `max_entries` unread entries of the domestic, unfrozen
// origins into `emitted` (ExportEntry) and advances their cursors. Returns
// how many entries were read.
Result<uint64_t> ReadDomestic(store::WriteTxn& txn,
                              const replication::OriginLogs& logs,
                              const federation::Bundle& b,
                              const federation::Link& link, store::Db cursors,
                              store::Db blocks, uint64_t max_entries,
                              std::vector<Entry>& emitted) {
  uint64_t read = 0;
  IMEISYNC_ASSIGN_OR_RETURN(auto frontier, logs.Frontier(txn));
  for (const auto& [origin, head] : frontier) {
    if (read >= max_entries) break;
    auto parts = federation::ParseOrigin(b.federation, origin);
    if (!parts.ok() || !parts->link.empty()) continue;  // export logs
    const federation::Member* m = b.FindMember(parts->node);
    if (m == nullptr || m->role == federation::Role::kForeign) continue;
    // Evidence of equivocation stops an origin's entries here too.
    IMEISYNC_ASSIGN_OR_RETURN(bool frozen, logs.Frozen(txn, origin));
    if (frozen) continue;
    const federation::RolePolicy allowed = federation::AllowanceOf(b, *m);
    const Bytes cursor_key = CursorKey(link.member, origin);
    IMEISYNC_ASSIGN_OR_RETURN(uint64_t at,
                              ReadCursor(txn, cursors, cursor_key));
    if (at >= head.size) continue;
    const uint64_t end = std::min(head.size, at + (max_entries - read));
    IMEISYNC_ASSIGN_OR_RETURN(std::vector<Entry> entries,
                              logs.Read(txn, origin, at, end));
    for (const Entry& e : entries) {
      IMEISYNC_RETURN_IF_ERROR(
          ExportEntry(txn, blocks, link, allowed, origin, e, emitted));
    }
    Bytes v;
    AppendU64(v, end);
    IMEISYNC_RETURN_IF_ERROR(txn.Put(cursors, cursor_key, v));
    read += end - at;
  }
  return read;
}

}  // namespace imeisync::node::core
