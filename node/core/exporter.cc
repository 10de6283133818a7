#include "node/core/exporter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <set>

#include "base/big_endian.h"
#include "crypto/checkpoint.h"
#include "crypto/ed25519.h"
#include "crypto/note.h"
#include "node/core/export_records.h"
#include "node/federation/origin_name.h"
#include "node/replication/checkpoint_signing.h"

namespace imeisync::node::core {
namespace {

// Domestic entries read per link per write transaction.
constexpr uint64_t kStepEntries = 50'000;

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
  wakeup_.Stop();
  if (thread_.joinable()) thread_.join();
}

void Exporter::Notify() { wakeup_.Notify(); }

void Exporter::Run() {
  std::string last_logged;
  while (wakeup_.WaitFor(interval_)) {
    // Catch up in bounded transactions, then sign once.
    Status failed;
    for (;;) {
      auto read = Step(kStepEntries);
      if (!read.ok()) {
        failed = read.status();
        break;
      }
      if (*read == 0 || wakeup_.stopped()) break;
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
  }
}

Result<uint64_t> Exporter::Step(uint64_t max_entries) {
  auto bundle = node_.bundles().Current();
  const federation::Bundle& b = bundle->bundle;
  store::Env& env = node_.storage().env();
  IMEISYNC_ASSIGN_OR_RETURN(store::Db cursors,
                            env.Database(kExporterDatabases[0]));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db blocks,
                            env.Database(kExporterDatabases[1]));
  const replication::OriginLogs& logs = node_.storage().logs();
  uint64_t total = 0;
  imeisync::Status first_error;
  for (const federation::Link& link : OwnLinks(b, node_.id())) {
    const std::string export_origin =
        federation::ExportOriginName(b.federation, node_.id(), link.member);
    uint64_t read = 0;
    Status written = env.Update([&](store::WriteTxn& txn) -> Status {
      IMEISYNC_ASSIGN_OR_RETURN(Definition def,
                                CheckDefinition(txn, cursors, link));
      std::vector<Entry> emitted;
      IMEISYNC_ASSIGN_OR_RETURN(
          read, ReadDomestic(txn, logs, b, link, cursors, blocks, max_entries,
                             emitted));
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
        federation::ExportOriginName(b.federation, node_.id(), link.member);
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
    s.origin =
        federation::ExportOriginName(b.federation, node_.id(), link.member);
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                              logs.Head(txn, s.origin));
    s.size = head.size;
    IMEISYNC_ASSIGN_OR_RETURN(s.signed_size, logs.SignedSize(txn, s.origin));
    for (const auto& [origin, h] : frontier) {
      auto parts = federation::ParseOrigin(b.federation, origin);
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
