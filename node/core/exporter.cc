#include "node/core/exporter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <set>

#include "base/big_endian.h"
#include "crypto/checkpoint.h"
#include "crypto/ed25519.h"
#include "crypto/note.h"
#include "node/core/origin_name.h"
#include "node/replication/checkpoint_signing.h"

namespace imeisync::node::core {
namespace {

// Domestic entries read per link per write transaction.
constexpr uint64_t kStepEntries = 50'000;

// len(1) link
Bytes LinkPrefix(std::string_view link) {
  Bytes k{static_cast<uint8_t>(link.size())};
  k.insert(k.end(), link.begin(), link.end());
  return k;
}

// export_cursors: len(1) link len(1) origin -> entries read (8)
Bytes CursorKey(std::string_view link, std::string_view origin) {
  Bytes k = LinkPrefix(link);
  k.push_back(static_cast<uint8_t>(origin.size()));
  k.insert(k.end(), origin.begin(), origin.end());
  return k;
}

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

struct Definition {
  uint8_t mask = 0;
  uint64_t exported = 0;
};

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

// The links whose exporter is `self`.
std::vector<federation::Link> OwnLinks(const federation::Bundle& bundle,
                                       std::string_view self) {
  std::vector<federation::Link> out;
  for (const federation::Link& l : bundle.links) {
    if (l.exporter == self) out.push_back(l);
  }
  return out;
}

}  // namespace

Exporter::Exporter(Node& node, std::chrono::milliseconds interval,
                   std::function<void(const std::string& note)> on_signed)
    : node_(node), interval_(interval), on_signed_(std::move(on_signed)) {}

Exporter::~Exporter() { Stop(); }

void Exporter::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Exporter::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Exporter::Notify() {
  {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  cv_.notify_all();
}

void Exporter::Run() {
  std::string last_logged;
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [&] { return stop_ || dirty_; });
    if (stop_) break;
    dirty_ = false;
    lock.unlock();
    // Catch up in bounded transactions, then sign once.
    Status failed;
    for (;;) {
      auto read = Step(kStepEntries);
      if (!read.ok()) {
        failed = read.status();
        break;
      }
      if (*read == 0) break;
      std::lock_guard g(mu_);
      if (stop_) break;
    }
    // Whatever one stuck link says, the others' new entries get signed.
    auto notes = SignCheckpoints();
    if (notes.ok()) {
      for (const std::string& n : *notes) on_signed_(n);
    } else if (failed.ok()) {
      failed = notes.status();
    }
    // Logged when it changes, not every interval.
    if (!failed.ok() && failed.ToString() != last_logged) {
      spdlog::error("export: {}; retrying", failed.ToString());
    }
    last_logged = failed.ok() ? "" : failed.ToString();
    lock.lock();
  }
}

Result<uint64_t> Exporter::Step(uint64_t max_entries) {
  auto bundle = node_.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  const std::vector<federation::Link> links = OwnLinks(b, node_.id());
  IMEISYNC_ASSIGN_OR_RETURN(
      store::Db cursors, node_.storage().env().Database(kExporterDatabases[0]));
  IMEISYNC_ASSIGN_OR_RETURN(
      store::Db blocks, node_.storage().env().Database(kExporterDatabases[1]));
  const replication::OriginLogs& logs = node_.storage().logs();
  uint64_t total = 0;
  imeisync::Status first_error;
  for (const federation::Link& link : links) {
    const std::string export_origin =
        ExportOriginName(b.federation, node_.id(), link.member);
    uint64_t read = 0;
    Status written = node_.storage().env().Update([&](store::WriteTxn& txn)
                                                      -> Status {
      read = 0;
      IMEISYNC_ASSIGN_OR_RETURN(Definition def,
                                CheckDefinition(txn, cursors, link));
      IMEISYNC_ASSIGN_OR_RETURN(auto frontier, logs.Frontier(txn));
      std::vector<Entry> emitted;
      for (const auto& [origin, head] : frontier) {
        if (read >= max_entries) break;
        auto parts = ParseOrigin(b.federation, origin);
        if (!parts.ok() || !parts->link.empty()) continue;  // export logs
        const federation::Member* m = b.FindMember(parts->node);
        if (m == nullptr || m->role == federation::Role::kForeign) continue;
        // Evidence of equivocation stops an origin's entries here too.
        IMEISYNC_ASSIGN_OR_RETURN(bool frozen, logs.Frozen(txn, origin));
        if (frozen) continue;
        const federation::RolePolicy allowed = federation::AllowanceOf(b, *m);
        const Bytes cursor_key = CursorKey(link.member, origin);
        uint64_t at = 0;
        if (auto v = txn.Get(cursors, cursor_key); v.ok()) {
          if (v->size() != 8) return DataLoss("malformed export cursor");
          at = LoadU64(*v);
        } else if (v.status().code() != StatusCode::kNotFound) {
          return v.status();
        }
        if (at >= head.size) continue;
        const uint64_t end = std::min(head.size, at + (max_entries - read));
        IMEISYNC_ASSIGN_OR_RETURN(std::vector<Entry> entries,
                                  logs.Read(txn, origin, at, end));
        for (const Entry& e : entries) {
          if (!e.source.empty() || allowed.actions.count(e.action) == 0 ||
              allowed.reasons.count(e.reason) == 0 ||
              link.export_reasons.count(e.reason) == 0 ||
              e.action == Action::kAllow) {
            continue;
          }
          const Bytes prefix = BlockPrefix(link.member, e.tag, e.reason);
          const Bytes key = BlockKey(prefix, origin);
          IMEISYNC_ASSIGN_OR_RETURN(bool had, Exists(txn, blocks, key));
          if (e.action == Action::kBlock) {
            if (had) continue;
            IMEISYNC_ASSIGN_OR_RETURN(bool any, AnySource(txn, blocks, prefix));
            IMEISYNC_RETURN_IF_ERROR(txn.Put(blocks, key, Bytes{}));
            if (!any) {
              emitted.push_back(Entry{Action::kBlock, e.reason, e.tag,
                                      e.issued_at_ms, origin});
            }
          } else {  // CLEAR, REGISTER, DEREGISTER end this origin's block
            if (!had) continue;
            IMEISYNC_RETURN_IF_ERROR(txn.Delete(blocks, key));
            IMEISYNC_ASSIGN_OR_RETURN(bool any, AnySource(txn, blocks, prefix));
            if (!any) {
              emitted.push_back(Entry{Action::kClear, e.reason, e.tag,
                                      e.issued_at_ms, origin});
            }
          }
        }
        Bytes v;
        AppendU64(v, end);
        IMEISYNC_RETURN_IF_ERROR(txn.Put(cursors, cursor_key, v));
        read += end - at;
      }
      for (const Entry& e : emitted) {
        if (e.action == Action::kBlock) {
          ++def.exported;
        } else if (def.exported > 0) {
          --def.exported;
        }
      }
      IMEISYNC_RETURN_IF_ERROR(WriteDefinition(txn, cursors, link.member, def));
      if (!emitted.empty()) {
        IMEISYNC_RETURN_IF_ERROR(
            logs.Append(txn, export_origin, emitted).status());
      }
      return Status::Ok();
    });
    {
      std::lock_guard lock(errors_mu_);
      if (written.ok()) {
        errors_.erase(link.member);
      } else {
        errors_[link.member] = written.ToString();
      }
    }
    if (!written.ok()) {
      // The other links go on; this one is retried each step.
      if (first_error.ok()) {
        first_error = written.WithContext("export log " + export_origin);
      }
      continue;
    }
    total += read;
  }
  if (total == 0 && !first_error.ok()) return first_error;
  return total;
}

Result<std::vector<std::string>> Exporter::SignCheckpoints() {
  std::lock_guard lock(sign_mu_);
  auto bundle = node_.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  std::vector<std::string> notes;
  for (const federation::Link& link : OwnLinks(b, node_.id())) {
    const std::string origin =
        ExportOriginName(b.federation, node_.id(), link.member);
    auto signer = signers_.find(origin);
    if (signer == signers_.end()) {
      IMEISYNC_ASSIGN_OR_RETURN(
          crypto::NoteSigner made,
          crypto::NoteSigner::Create(origin, node_.SigningKey()));
      signer = signers_.emplace(origin, std::move(made)).first;
    }
    auto signed_note = replication::SignNewCheckpoint(
        node_.storage().env(), node_.storage().logs(), signer->second);
    if (!signed_note.ok()) {
      return signed_note.status().WithContext("export log " + origin);
    }
    if (*signed_note) notes.push_back(**std::move(signed_note));
  }
  return notes;
}

Result<std::vector<ExportStatus>> Exporter::Exports() {
  auto bundle = node_.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  IMEISYNC_ASSIGN_OR_RETURN(
      store::Db cursors, node_.storage().env().Database(kExporterDatabases[0]));
  const replication::OriginLogs& logs = node_.storage().logs();
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn,
                            node_.storage().env().BeginRead());
  IMEISYNC_ASSIGN_OR_RETURN(auto frontier, logs.Frontier(txn));
  std::vector<ExportStatus> out;
  for (const federation::Link& link : OwnLinks(b, node_.id())) {
    ExportStatus s;
    s.link = link.member;
    s.origin = ExportOriginName(b.federation, node_.id(), link.member);
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                              logs.Head(txn, s.origin));
    s.size = head.size;
    IMEISYNC_ASSIGN_OR_RETURN(s.signed_size, logs.SignedSize(txn, s.origin));
    for (const auto& [origin, h] : frontier) {
      auto parts = ParseOrigin(b.federation, origin);
      if (!parts.ok() || !parts->link.empty()) continue;
      const federation::Member* m = b.FindMember(parts->node);
      if (m == nullptr || m->role == federation::Role::kForeign) continue;
      uint64_t at = 0;
      if (auto v = txn.Get(cursors, CursorKey(link.member, origin));
          v.ok() && v->size() == 8) {
        at = LoadU64(*v);
      }
      if (h.size > at) s.pending += h.size - at;
    }
    IMEISYNC_ASSIGN_OR_RETURN(std::optional<Definition> def,
                              ReadDefinition(txn, cursors, link.member));
    if (def) s.exported = def->exported;
    {
      std::lock_guard lock(errors_mu_);
      auto e = errors_.find(link.member);
      if (e != errors_.end()) s.error = e->second;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace imeisync::node::core
