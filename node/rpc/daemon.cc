#include "node/rpc/daemon.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "node/federation/links.h"
#include "node/http/http_api.h"
#include "node/rpc/oprf_status.h"
#include "node/rpc/remote_oprf_tags.h"
#include "node/rpc/wire.h"

namespace imeisync::node::rpc {
namespace {

// Longest unix socket path (sun_path holds 108 bytes with the NUL).
constexpr size_t kMaxSocketPath = 107;

// Holds an exclusive flock on <data_dir>/imeisyncd.lock for the process's
// life, so two daemons never share one node's data.
Result<int> LockDataDir(const std::string& data_dir) {
  if (mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Unavailable("cannot create data dir " + data_dir + ": " +
                       std::strerror(errno));
  }
  const std::string path = data_dir + "/imeisyncd.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return FailedPrecondition("another imeisyncd is running on " + data_dir +
                              " (" + path + " is locked)");
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::Start(
    const federation::NodeConfig& config) {
  std::unique_ptr<Daemon> d(new Daemon());
  IMEISYNC_ASSIGN_OR_RETURN(d->lock_fd_, LockDataDir(config.data_dir));
  IMEISYNC_ASSIGN_OR_RETURN(d->node_, core::Node::Open(config));
  IMEISYNC_ASSIGN_OR_RETURN(d->tls_, LoadTlsMaterial(config));
  if (config.admin_socket.size() > kMaxSocketPath) {
    return InvalidArgument("admin_socket " + config.admin_socket + " is " +
                           std::to_string(config.admin_socket.size()) +
                           " bytes; unix sockets allow " +
                           std::to_string(kMaxSocketPath));
  }
  IMEISYNC_RETURN_IF_ERROR(d->MakeParts(config));
  IMEISYNC_RETURN_IF_ERROR(d->StartOprf());
  IMEISYNC_RETURN_IF_ERROR(d->StartListeners(config));
  const federation::Role role = d->node_->bundles().role();
  if (config.listen.empty() && (role == federation::Role::kMinistry ||
                                role == federation::Role::kOperator)) {
    spdlog::warn(
        "no peer listener (listen = \"\"): peers cannot pull this node's "
        "own entries unless it is in their peers and they in its");
  }
  IMEISYNC_RETURN_IF_ERROR(d->checkpointer_->Start());
  // Only a ministry member can be a link's exporter; a later bundle can
  // make it one, so it always runs there.
  if (role == federation::Role::kMinistry) d->exporter_->Start();
  Daemon* self = d.get();
  d->first_seen_thread_ = std::thread([self] { self->RecordFirstSeenLoop(); });
  d->started_ = true;
  d->UpdatePeers();
  auto bundle = d->node_->bundles().Current();
  spdlog::info(
      "imeisyncd {} ({}) of federation {} started: bundle version {}, peer "
      "listener {}, admin socket {}, http {}",
      config.id, federation::RoleName(role), bundle->bundle.federation,
      bundle->bundle.version, config.listen.empty() ? "off" : config.listen,
      config.admin_socket,
      config.http_listen.empty() ? "off" : config.http_listen);
  return d;
}

Status Daemon::MakeParts(const federation::NodeConfig& config) {
  Daemon* self = this;
  core::Node& node = *node_;
  const std::chrono::milliseconds interval(config.checkpoint_interval_ms);
  checkpointer_ = std::make_unique<core::Checkpointer>(
      node.own_log(), interval,
      [self](const std::string& note) { self->OnNewCheckpoints("", {note}); });
  exporter_ = std::make_unique<core::Exporter>(
      node, interval,
      [self](const std::string& note) { self->OnNewCheckpoints("", {note}); });
  replication_ = std::make_unique<ReplicationService>(
      node.bundles(), node.state_heads(), node.reads(), node.witnessing(),
      *this);
  state_sync_ =
      std::make_unique<StateSyncService>(node.bundles(), node.reads());
  IMEISYNC_ASSIGN_OR_RETURN(core::DeviceChecks checks,
                            core::DeviceChecks::Open(node));
  checks_ = std::make_unique<core::DeviceChecks>(std::move(checks));
  admin_ = std::make_unique<AdminService>(
      node, *checks_, *checkpointer_, *this,
      [self](v1::NodeStatus* s) { self->FillStatus(s); });
  check_ = std::make_unique<CheckService>(
      *checks_, [self](const core::CheckResult& r, double seconds) {
        self->metrics_.ObserveCheck(r, seconds);
      });
  audit_ = std::make_unique<AuditService>(node, *checkpointer_);
  return Status::Ok();
}

http::HttpHandler Daemon::HttpHandler() {
  http::HttpApiHooks hooks;
  hooks.equipment_status = [this](const http::Pei& pei,
                                  const std::optional<std::string>& imsi)
      -> Result<http::EquipmentStatus> {
    IMEISYNC_ASSIGN_OR_RETURN(
        core::CheckResult result,
        CheckOne(*checks_, {pei.digits, imsi.value_or("")},
                 [this](const core::CheckResult& r, double seconds) {
                   metrics_.ObserveCheck(r, seconds);
                 }));
    if (!result.status.ok()) return result.status;
    switch (result.verdict) {
      case verdict::Verdict::kBlacklisted:
        return http::EquipmentStatus::kBlacklisted;
      case verdict::Verdict::kGreylisted:
        return http::EquipmentStatus::kGreylisted;
      case verdict::Verdict::kWhitelisted:
        break;
    }
    return http::EquipmentStatus::kWhitelisted;
  };
  hooks.metrics = [this] {
    v1::NodeStatus status;
    grpc::Status s = admin_->Collect(&status, /*sign_state_head=*/false);
    if (!s.ok()) {
      spdlog::warn("metrics: status failed: {}", s.error_message());
    }
    return metrics_.Render(status, static_cast<int64_t>(UnixMillis()));
  };
  hooks.health = [this]() -> imeisync::Status {
    // Readable store and a node that is not stopping.
    {
      std::lock_guard lock(peers_mu_);
      if (shut_down_) return Unavailable("imeisyncd is stopping");
    }
    return node_->storage().env().BeginRead().status();
  };
  return http::MakeHttpApi(std::move(hooks));
}

void Daemon::RecordFirstSeenLoop() {
  bool last = false;
  while (!last) {
    {
      std::unique_lock lock(stop_mu_);
      last = stop_cv_.wait_for(lock, std::chrono::seconds(1),
                               [this] { return stopping_; });
    }
    ReapRetiredPeers();
    auto written = checks_->RecordFirstSeen();
    if (!written.ok()) {
      spdlog::warn("recording first-seen days failed: {}",
                   written.status().ToString());
    } else if (*written > 0) {
      spdlog::debug("recorded {} first-seen days", *written);
    }
  }
}

Daemon::~Daemon() { Shutdown(); }

void Daemon::Shutdown() {
  std::map<std::string, std::unique_ptr<PeerSync>> peers;
  {
    std::lock_guard lock(peers_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    peers.swap(peers_);
  }
  ReapRetiredPeers();
  for (auto& [id, p] : peers) p->Stop();
  const auto deadline =
      std::chrono::system_clock::now() + std::chrono::seconds(2);
  if (peer_server_) peer_server_->Shutdown(deadline);
  if (admin_server_) admin_server_->Shutdown(deadline);
  if (http_server_) http_server_->Stop();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (first_seen_thread_.joinable()) first_seen_thread_.join();
  if (checkpointer_) checkpointer_->Stop();
  if (exporter_) exporter_->Stop();
  peers.clear();
  if (started_) spdlog::info("imeisyncd {} stopped", node_->id());
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
}

namespace {

// Whether this node syncs with `m`: a member with an endpoint, named in
// node.toml's peers if that is set, and across a link only the link's
// exporter and its foreign member with each other (docs/links.md).
bool WantsPeer(const federation::Bundle& bundle, const std::string& self,
               const std::vector<std::string>& wanted,
               const federation::Member& m) {
  if (m.id == self || m.endpoint.empty()) return false;
  if (!wanted.empty() &&
      std::find(wanted.begin(), wanted.end(), m.id) == wanted.end()) {
    return false;
  }
  const federation::Member* me = bundle.FindMember(self);
  if (me != nullptr && me->role == federation::Role::kForeign) {
    const federation::Link* link = bundle.FindLink(self);
    return link != nullptr && link->exporter == m.id;
  }
  if (m.role == federation::Role::kForeign) {
    const federation::Link* link = bundle.FindLink(m.id);
    return link != nullptr && link->exporter == self;
  }
  return true;
}

}  // namespace

void Daemon::ReapRetiredPeers() {
  std::vector<std::unique_ptr<PeerSync>> retired;
  {
    std::lock_guard lock(peers_mu_);
    retired.swap(retired_);
  }
  retired.clear();  // joins their threads, outside peers_mu_
}

void Daemon::UpdatePeers() {
  auto bundle = node_->bundles().Current();
  const auto& wanted = node_->config().peers;
  std::lock_guard lock(peers_mu_);
  if (shut_down_) return;
  // Peers the new bundle no longer allows (a link removed, a member gone)
  // stop at once. This may run on the very peer's thread (it fetched the
  // bundle), which cannot join itself: the thread is told to stop here
  // and joined later by RecordFirstSeenLoop() or Shutdown().
  for (auto it = peers_.begin(); it != peers_.end();) {
    const federation::Member* m = bundle->bundle.FindMember(it->first);
    if (m == nullptr || !WantsPeer(bundle->bundle, node_->id(), wanted, *m)) {
      spdlog::info("no longer syncing with {}", it->first);
      it->second->RequestStop();
      retired_.push_back(std::move(it->second));
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  for (const federation::Member& m : bundle->bundle.members) {
    if (peers_.count(m.id) ||
        !WantsPeer(bundle->bundle, node_->id(), wanted, m)) {
      continue;
    }
    PeerSyncOptions options;
    options.id = m.id;
    options.endpoint = m.endpoint;
    options.interval =
        std::chrono::milliseconds(node_->config().sync_interval_ms);
    auto peer = std::make_unique<PeerSync>(*node_, tls_, options, *this,
                                           divergences_, pulls_);
    peer->Start();
    spdlog::info("syncing with {} at {}", m.id, m.endpoint);
    peers_.emplace(m.id, std::move(peer));
  }
}

void Daemon::OnAnnounce(
    const std::string& from,
    std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) {
  std::lock_guard lock(peers_mu_);
  auto it = peers_.find(from);
  if (it == peers_.end()) {
    // Not one of our peers: our own rounds with our peers will bring it.
    spdlog::debug("announce from {}, which is not a peer here", from);
    return;
  }
  it->second->Wake(std::move(checkpoints));
}

void Daemon::OnBundleChanged() {
  UpdatePeers();
  std::lock_guard lock(peers_mu_);
  for (auto& [id, p] : peers_) p->RequestRound();
}

void Daemon::OnNewCheckpoints(const std::string& from,
                              const std::vector<std::string>& notes) {
  // Each peer hears of the logs it may read only (federation::MayRead): export
  // logs reach their link's member, and nothing else does.
  // Entries arrived or were signed: a ministry's export reads them soon.
  if (exporter_) exporter_->Notify();
  auto bundle = node_->bundles().Current();
  std::lock_guard lock(peers_mu_);
  for (auto& [id, p] : peers_) {
    if (id == from) continue;
    const federation::Member* m = bundle->bundle.FindMember(id);
    if (m == nullptr) continue;
    std::vector<std::string> readable;
    for (const std::string& note : notes) {
      const std::string_view origin =
          std::string_view(note).substr(0, note.find('\n'));
      if (federation::MayRead(bundle->bundle, *m, origin))
        readable.push_back(note);
    }
    if (!readable.empty()) p->QueueAnnounce(readable);
  }
}

Status Daemon::StartOprf() {
  const auto bundle = node_->bundles().Current();
  if (bundle->bundle.mode != federation::TagMode::kOprf) return Status::Ok();
  if (!node_->config().oprf_key.empty()) {
    IMEISYNC_ASSIGN_OR_RETURN(oprf_, OprfService::Create(*node_));
    if (node_->config().listen.empty()) {
      spdlog::warn(
          "this node holds the OPRF key but has no peer listener: members "
          "cannot get tags");
    }
    return Status::Ok();
  }
  IMEISYNC_ASSIGN_OR_RETURN(tags::TagCache cache,
                            tags::TagCache::Open(node_->storage().env()));
  tag_counters_ = std::make_shared<tags::TagCacheCounters>();
  const core::Node* node = node_.get();
  node_->tags().Set(tags::CachedTags(
      node_->storage().env(), cache,
      [node] { return node->bundles().Current()->bundle.epoch; },
      std::make_unique<RemoteOprfTags>(*node_, tls_), tag_counters_));
  return Status::Ok();
}

void Daemon::FillStatus(v1::NodeStatus* status) {
  Status oprf = FillOprfStatus(*node_, tag_counters_.get(), status);
  if (!oprf.ok()) spdlog::warn("status: oprf: {}", oprf.ToString());
  {
    std::lock_guard lock(peers_mu_);
    for (auto& [id, p] : peers_) {
      PeerSyncStatus s = p->status();
      v1::PeerStatus* out = status->add_peers();
      out->set_id(s.id);
      out->set_endpoint(s.endpoint);
      out->set_last_sync_ms(static_cast<int64_t>(s.last_sync_ms));
      out->set_last_error(s.last_error);
      out->set_rejected_batches(s.rejected_batches);
      out->set_bytes_out(s.bytes_out);
      out->set_bytes_in(s.bytes_in);
      out->set_calls(s.calls);
      out->set_entries_applied(s.entries_applied);
    }
  }
  for (const core::DivergenceRecord& r : divergences_.Records()) {
    v1::Divergence* d = status->add_divergences();
    d->set_peer(r.peer);
    d->set_at_ms(static_cast<int64_t>(r.at_ms));
    d->set_differing_keys(r.differing_keys);
    d->set_our_root(HashBytes(r.our_root));
    d->set_their_root(HashBytes(r.their_root));
  }
  status->set_divergence_count(divergences_.Count());
  auto exports = exporter_->Exports();
  if (!exports.ok()) {
    spdlog::warn("status: exports: {}", exports.status().ToString());
    return;
  }
  for (const core::ExportStatus& e : *exports) {
    v1::ExportLogStatus* out = status->add_exports();
    out->set_link(e.link);
    out->set_origin(e.origin);
    out->set_size(e.size);
    out->set_signed_size(e.signed_size);
    out->set_pending_entries(e.pending);
    out->set_exported(e.exported);
    out->set_last_error(e.error);
  }
}

}  // namespace imeisync::node::rpc
