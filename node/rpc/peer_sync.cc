#include "node/rpc/peer_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "base/clock.h"
#include "node/rpc/grpc_status.h"

namespace imeisync::node::rpc {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

PeerSync::PeerSync(core::Node& node, const TlsMaterial& tls,
                   PeerSyncOptions options, SyncEvents& events,
                   core::DivergenceLog& divergences, PullClaims& pulls)
    : node_(node),
      options_(std::move(options)),
      events_(events),
      divergences_(divergences),
      pulls_(pulls),
      rng_(std::random_device{}()) {
  auto channel = PeerChannel(tls, options_.endpoint, options_.id);
  replication_ = v1::Replication::NewStub(channel);
  state_sync_ = v1::StateSync::NewStub(channel);
  status_.id = options_.id;
  status_.endpoint = options_.endpoint;
}

PeerSync::~PeerSync() { Stop(); }

void PeerSync::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PeerSync::RequestStop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (active_) active_->TryCancel();
  }
  cv_.notify_all();
}

void PeerSync::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void PeerSync::Wake(std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) {
  {
    std::lock_guard lock(mu_);
    for (auto& c : checkpoints) incoming_.push_back(std::move(c));
  }
  cv_.notify_all();
}

void PeerSync::QueueAnnounce(const std::vector<std::string>& notes) {
  // The origin line of a note; a newer note of one origin replaces the
  // queued one (a larger checkpoint, or the same with more cosignatures),
  // so the queue holds at most one note per origin.
  auto origin_of = [](const std::string& note) {
    return std::string_view(note).substr(0, note.find('\n'));
  };
  {
    std::lock_guard lock(mu_);
    for (const std::string& n : notes) {
      auto same = std::find_if(
          outgoing_.begin(), outgoing_.end(),
          [&](const std::string& q) { return origin_of(q) == origin_of(n); });
      if (same != outgoing_.end()) {
        *same = n;
      } else {
        outgoing_.push_back(n);
      }
    }
  }
  cv_.notify_all();
}

void PeerSync::RequestRound() {
  {
    std::lock_guard lock(mu_);
    round_requested_ = true;
  }
  cv_.notify_all();
}

PeerSyncStatus PeerSync::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void PeerSync::Begin(grpc::ClientContext& context,
                     std::chrono::milliseconds deadline) {
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  std::lock_guard lock(mu_);
  active_ = &context;
  if (stop_) context.TryCancel();
}

void PeerSync::End(size_t bytes_out, size_t bytes_in) {
  std::lock_guard lock(mu_);
  active_ = nullptr;
  status_.bytes_out += bytes_out;
  status_.bytes_in += bytes_in;
  ++status_.calls;
}

void PeerSync::Failed(const Status& s, bool rejected) {
  std::lock_guard lock(mu_);
  status_.last_error = s.ToString();
  if (rejected) ++status_.rejected_batches;
}

void PeerSync::Run() {
  auto backoff = options_.min_backoff;
  auto next_round = Clock::now();
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_until(lock, next_round, [&] {
      return stop_ || round_requested_ || !incoming_.empty() ||
             !outgoing_.empty();
    });
    if (stop_) break;
    std::vector<std::string> out;
    std::vector<Result<crypto::ParsedCheckpoint>> in;
    out.swap(outgoing_);
    in.swap(incoming_);
    const bool round = round_requested_ || Clock::now() >= next_round;
    round_requested_ = false;
    lock.unlock();

    if (!out.empty()) {
      if (Status s = SendAnnounce(std::move(out)); !s.ok()) {
        spdlog::debug("announce to {} failed: {}", options_.id, s.ToString());
      }
    }
    bool pulled_ok = true;
    for (const Result<crypto::ParsedCheckpoint>& c : in) {
      if (Status s = Pull(c, false); !s.ok()) pulled_ok = false;
    }
    if (!in.empty() && pulled_ok) {
      std::lock_guard g(mu_);
      status_.last_sync_ms = UnixMillis();
      status_.last_error.clear();
    }
    if (round) {
      Status s = Round();
      if (s.ok()) {
        if (backoff != options_.min_backoff) {
          spdlog::info("syncing with {} again", options_.id);
        }
        backoff = options_.min_backoff;
        next_round = Clock::now() + options_.interval;
        std::lock_guard g(mu_);
        status_.last_sync_ms = UnixMillis();
        status_.last_error.clear();
      } else {
        // The first failure after a success is a warning; the retries
        // that follow are debug, so a peer that is down does not flood
        // the log.
        if (backoff == options_.min_backoff) {
          spdlog::warn("sync round with {} failed: {}; retrying with backoff",
                       options_.id, s.ToString());
        }
        Failed(s, false);
        std::uniform_real_distribution<double> jitter(0.5, 1.0);
        next_round = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        backoff * jitter(rng_));
        backoff = std::min(backoff * 2, options_.max_backoff);
        spdlog::debug("sync round with {} failed: {}", options_.id,
                      s.ToString());
      }
    }
    lock.lock();
  }
}

Status PeerSync::SendAnnounce(std::vector<std::string> notes) {
  v1::AnnounceRequest request;
  for (std::string& n : notes)
    request.add_checkpoints()->set_note(std::move(n));
  v1::AnnounceResponse reply;
  return Unary(&v1::Replication::Stub::Announce, request, &reply);
}

Status PeerSync::ExchangeBundles() {
  auto bundle = node_.bundles().Current();
  v1::HelloRequest hello;
  hello.set_bundle_version(bundle->bundle.version);
  v1::HelloResponse reply;
  IMEISYNC_RETURN_IF_ERROR(Unary(&v1::Replication::Stub::Hello, hello, &reply));
  if (reply.bundle_version() < bundle->bundle.version) {
    v1::SignedBundle offer;
    offer.set_toml(bundle->toml);
    offer.set_signature(bundle->signature);
    v1::OfferBundleResponse offered;
    Status s = Unary(&v1::Replication::Stub::OfferBundle, offer, &offered);
    if (!s.ok()) {
      spdlog::warn("{} refused our bundle version {}: {}", options_.id,
                   bundle->bundle.version, s.message());
    } else {
      spdlog::info("{} took our bundle version {}", options_.id,
                   bundle->bundle.version);
    }
  } else if (reply.bundle_version() > bundle->bundle.version) {
    v1::GetBundleRequest request;
    v1::SignedBundle theirs;
    IMEISYNC_RETURN_IF_ERROR(
        Unary(&v1::Replication::Stub::GetBundle, request, &theirs));
    auto version = node_.bundles().Offer(theirs.toml(), theirs.signature());
    if (!version.ok()) {
      spdlog::warn("refused bundle version {} from {}: {}",
                   reply.bundle_version(), options_.id,
                   version.status().ToString());
      Failed(version.status(), true);
    } else {
      spdlog::info("installed bundle version {} from {}", *version,
                   options_.id);
      events_.OnBundleChanged();
    }
  }
  return Status::Ok();
}

Status PeerSync::Round() {
  IMEISYNC_RETURN_IF_ERROR(ExchangeBundles());
  v1::GetFrontierRequest request;
  v1::Frontier frontier;
  IMEISYNC_RETURN_IF_ERROR(
      Unary(&v1::Replication::Stub::GetFrontier, request, &frontier));
  Status first_error;
  for (const v1::OriginHead& head : frontier.origins()) {
    const std::string& note = head.checkpoint().note();
    if (note.empty() || head.frozen()) continue;
    if (Status s = Pull(crypto::ParseSignedCheckpoint(note), true);
        !s.ok() && first_error.ok())
      first_error = s;
  }
  IMEISYNC_RETURN_IF_ERROR(first_error);
  return CompareState(frontier);
}

}  // namespace imeisync::node::rpc
