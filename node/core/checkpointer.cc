#include "node/core/checkpointer.h"

#include <spdlog/spdlog.h>

namespace imeisync::node::core {

Checkpointer::Checkpointer(
    OwnLog& log, std::chrono::milliseconds interval,
    std::function<void(const std::string& note)> on_signed)
    : log_(log), interval_(interval), on_signed_(std::move(on_signed)) {}

Checkpointer::~Checkpointer() { Stop(); }

Status Checkpointer::Start() {
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t size, log_.SignedSize());
  {
    std::lock_guard lock(mu_);
    signed_size_ = size;
    dirty_ = true;
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Notify() {
  {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  cv_.notify_all();
}

Status Checkpointer::WaitSigned(uint64_t size,
                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  bool done = signed_cv_.wait_for(
      lock, timeout, [&] { return signed_size_ >= size || stopped_; });
  if (signed_size_ >= size) return Status::Ok();
  if (!done) {
    return Unavailable("no checkpoint covering " + std::to_string(size) +
                       " entries was signed within " +
                       std::to_string(timeout.count()) + " ms" +
                       (last_error_.empty() ? "" : ": " + last_error_));
  }
  return Unavailable("the node is shutting down; entries up to " +
                     std::to_string(size) +
                     " are stored and will be signed at restart");
}

void Checkpointer::Run() {
  auto last_sign = std::chrono::steady_clock::now() - interval_;
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return dirty_ || stop_; });
    if (!dirty_ && stop_) break;
    // Pace: at most one signature per interval while entries arrive.
    const auto due = last_sign + interval_;
    if (!stop_) {
      cv_.wait_until(lock, due, [&] { return stop_; });
    }
    dirty_ = false;
    lock.unlock();
    last_sign = std::chrono::steady_clock::now();
    auto note = log_.SignCheckpoint();
    auto size = log_.SignedSize();
    lock.lock();
    if (!note.ok()) {
      last_error_ = note.status().message();
      spdlog::error("signing a checkpoint failed: {}", last_error_);
      dirty_ = true;  // retry after the interval
      if (stop_) break;
      continue;
    }
    last_error_.clear();
    if (size.ok()) signed_size_ = *size;
    signed_cv_.notify_all();
    if (note->has_value()) {
      lock.unlock();
      on_signed_(**note);
      lock.lock();
    }
  }
  stopped_ = true;
  signed_cv_.notify_all();
}

}  // namespace imeisync::node::core
