#include "bench/check/grpc_load.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "proto/imeisync.grpc.pb.h"

namespace imeisync::bench {
namespace {

using std::chrono::nanoseconds;

constexpr std::chrono::seconds kCallDeadline{5};
constexpr std::chrono::seconds kStallLimit{10};

// A channel of its own: without a local subchannel pool, channels with the
// same target and arguments share one connection.
std::shared_ptr<grpc::Channel> Connect(const std::string& socket_path) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(
      "unix:" + socket_path, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                 std::chrono::seconds(10))) {
    Fail("no Check service answers on " + socket_path);
  }
  return channel;
}

// A deadline for a whole stream: the window plus the stall limit, so a
// server that stops answering cannot block Read forever.
void SetStreamDeadline(grpc::ClientContext& context, LoadWindow window) {
  const auto left =
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          window.until - Clock::now());
  context.set_deadline(std::chrono::system_clock::now() + left + kStallLimit);
}

uint64_t Ns(Clock::duration d) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<nanoseconds>(d).count());
}

// Counts one answer: right or wrong against the workload.
void Count(const v1::CheckResponse& response, bool blocked, LoadResult& r) {
  if (!response.error().empty() ||
      response.status() == v1::EQUIPMENT_STATUS_UNSPECIFIED) {
    ++r.errors;
    return;
  }
  const bool answered_blocked = response.status() == v1::BLACKLISTED;
  ++(answered_blocked == blocked ? r.right : r.wrong);
}

LoadResult UnaryLoop(std::shared_ptr<grpc::Channel> channel,
                     const Workload& workload, size_t first,
                     LoadWindow window) {
  auto stub = v1::Check::NewStub(channel);
  LoadResult r;
  r.seconds = window.seconds();
  v1::CheckRequest request;
  v1::CheckResponse response;
  size_t q = first;
  for (uint64_t i = 0; i < kMaxRequestsPerClient && !g_interrupted; ++i) {
    const auto start = Clock::now();
    if (start >= window.until) break;
    q = (q + 1) % workload.size();
    request.set_imei(workload.imeis[q]);
    request.set_request_id(i);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    const grpc::Status s = stub->Check(&context, request, &response);
    const auto end = Clock::now();
    if (start < window.measure_from) continue;
    if (!s.ok()) {
      ++r.errors;
      continue;
    }
    Count(response, workload.blocked[q] != 0, r);
    r.latency_ns.push_back(Ns(end - start));
  }
  return r;
}

LoadResult PingPong(v1::Check::Stub& stub, const Workload& workload,
                    LoadWindow window) {
  LoadResult r;
  r.seconds = window.seconds();
  grpc::ClientContext context;
  SetStreamDeadline(context, window);
  auto stream = stub.CheckStream(&context);
  v1::CheckRequest request;
  v1::CheckResponse response;
  for (uint64_t i = 0; i < kMaxRequestsPerClient && !g_interrupted; ++i) {
    const auto start = Clock::now();
    if (start >= window.until) break;
    const size_t q = i % workload.size();
    request.set_imei(workload.imeis[q]);
    request.set_request_id(i);
    if (!stream->Write(request) || !stream->Read(&response)) {
      ++r.errors;
      break;
    }
    const auto end = Clock::now();
    if (start < window.measure_from) continue;
    Count(response, workload.blocked[q] != 0, r);
    r.latency_ns.push_back(Ns(end - start));
  }
  stream->WritesDone();
  const grpc::Status s = stream->Finish();
  if (!s.ok()) Fail("CheckStream ended with " + s.error_message());
  return r;
}

// The writer (this thread) keeps at most `window_size` requests unanswered;
// the reader matches answers by request_id, which is the request's number.
LoadResult Pipelined(v1::Check::Stub& stub, const Workload& workload,
                     int window_size, LoadWindow window) {
  const uint64_t cap = static_cast<uint64_t>(window_size);
  LoadResult r;
  r.seconds = window.seconds();
  grpc::ClientContext context;
  SetStreamDeadline(context, window);
  auto stream = stub.CheckStream(&context);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t sent = 0, received = 0;  // guarded by mu
  // Slot id % cap holds request id's send time; the writer reuses it only
  // after the reader has counted id's answer.
  std::vector<std::atomic<int64_t>> sent_at(cap);
  std::atomic<bool> reader_failed{false};

  std::thread reader([&] {
    v1::CheckResponse response;
    while (stream->Read(&response)) {
      const auto now = Clock::now();
      const uint64_t id = response.request_id();
      const Clock::time_point start{
          Clock::duration(sent_at[id % cap].load(std::memory_order_acquire))};
      if (start >= window.measure_from && start < window.until) {
        Count(response, workload.blocked[id % workload.size()] != 0, r);
        r.latency_ns.push_back(Ns(now - start));
      }
      {
        std::lock_guard lock(mu);
        ++received;
      }
      cv.notify_one();
    }
    reader_failed = true;
    cv.notify_one();
  });

  bool stalled = false;
  for (uint64_t id = 0; id < kMaxRequestsPerClient && !g_interrupted; ++id) {
    {
      std::unique_lock lock(mu);
      if (!cv.wait_for(lock, kStallLimit, [&] {
            return sent - received < cap || reader_failed;
          })) {
        stalled = true;
      }
      if (stalled || reader_failed) break;
      ++sent;
    }
    const auto start = Clock::now();
    sent_at[id % cap].store(start.time_since_epoch().count(),
                            std::memory_order_release);
    if (start >= window.until) {
      std::lock_guard lock(mu);
      --sent;  // not written
      break;
    }
    v1::CheckRequest request;
    request.set_imei(workload.imeis[id % workload.size()]);
    request.set_request_id(id);
    if (!stream->Write(request)) break;
  }
  if (stalled) context.TryCancel();
  stream->WritesDone();
  reader.join();  // Read returns false once the server closes the stream
  const grpc::Status s = stream->Finish();
  if (stalled) Fail("CheckStream: no answer for 10 s");
  if (!s.ok()) Fail("CheckStream ended with " + s.error_message());
  if (sent != received) {
    r.errors += sent - received;
  }
  return r;
}

// One outstanding async call.
struct AsyncCall {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::CheckResponse>> reader;
  v1::CheckResponse response;
  grpc::Status status;
  Clock::time_point start;
  size_t query = 0;
  bool busy = false;
};

class AsyncDriver {
 public:
  AsyncDriver(std::vector<std::unique_ptr<v1::Check::Stub>>& stubs,
              const Workload& workload, LoadWindow window)
      : stubs_(stubs), workload_(workload), window_(window) {
    result_.seconds = window.seconds();
  }

  // Starts call slot `k` on the next query, unless the window is over.
  void Start(std::vector<AsyncCall>& calls, size_t k) {
    AsyncCall& c = calls[k];
    c.start = Clock::now();
    if (c.start >= window_.until || g_interrupted) return;
    next_ = (next_ + 1) % workload_.size();
    c.query = next_;
    v1::CheckRequest request;
    request.set_imei(workload_.imeis[c.query]);
    request.set_request_id(next_);
    c.context = std::make_unique<grpc::ClientContext>();
    c.context->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    c.reader =
        stubs_[k % stubs_.size()]->AsyncCheck(c.context.get(), request, &cq_);
    c.reader->Finish(&c.response, &c.status, reinterpret_cast<void*>(k + 1));
    c.busy = true;
    ++busy_;
  }

  // Counts slot `k`'s finished call.
  void Finished(AsyncCall& c) {
    c.busy = false;
    --busy_;
    if (c.start < window_.measure_from) return;
    if (!c.status.ok()) {
      ++result_.errors;
      return;
    }
    Count(c.response, workload_.blocked[c.query] != 0, result_);
    result_.latency_ns.push_back(Ns(Clock::now() - c.start));
  }

  grpc::CompletionQueue& cq() { return cq_; }
  int busy() const { return busy_; }
  LoadResult& result() { return result_; }

 private:
  std::vector<std::unique_ptr<v1::Check::Stub>>& stubs_;
  const Workload& workload_;
  const LoadWindow window_;
  grpc::CompletionQueue cq_;
  LoadResult result_;
  size_t next_ = 0;
  int busy_ = 0;
};

}  // namespace

LoadResult AsyncUnaryChecks(const std::string& socket_path,
                            const Workload& workload, int in_flight,
                            int channels, LoadWindow window) {
  if (in_flight < 1 || channels < 1) Fail("need a call and a channel");
  std::vector<std::unique_ptr<v1::Check::Stub>> stubs;
  for (int c = 0; c < channels; ++c) {
    stubs.push_back(v1::Check::NewStub(Connect(socket_path)));
  }
  std::vector<AsyncCall> calls(static_cast<size_t>(in_flight));
  AsyncDriver driver(stubs, workload, window);
  for (size_t k = 0; k < calls.size(); ++k) driver.Start(calls, k);
  // Calls end by their deadline at the latest, so the queue drains.
  bool stalled = false;
  const uint64_t max_events =
      kMaxRequestsPerClient * static_cast<uint64_t>(in_flight);
  for (uint64_t i = 0; i < max_events && driver.busy() > 0; ++i) {
    void* tag = nullptr;
    bool ok = false;
    const auto got = driver.cq().AsyncNext(
        &tag, &ok, std::chrono::system_clock::now() + kStallLimit);
    if (got == grpc::CompletionQueue::TIMEOUT) stalled = true;
    if (got != grpc::CompletionQueue::GOT_EVENT) break;
    const size_t k = reinterpret_cast<size_t>(tag) - 1;
    driver.Finished(calls[k]);
    driver.Start(calls, k);
  }
  // The queue must be drained before it is destroyed, also on failure.
  for (AsyncCall& c : calls) {
    if (c.busy) c.context->TryCancel();
  }
  driver.cq().Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (driver.cq().Next(&tag, &ok)) {
  }
  if (stalled) Fail("async Check: no call finished for 10 s");
  return std::move(driver.result());
}

LoadResult UnaryChecks(const std::string& socket_path, const Workload& workload,
                       int clients, LoadWindow window) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < clients; ++c) channels.push_back(Connect(socket_path));
  std::vector<std::future<LoadResult>> running;
  for (int c = 0; c < clients; ++c) {
    const size_t first = (workload.size() / static_cast<size_t>(clients)) *
                         static_cast<size_t>(c);
    running.push_back(std::async(std::launch::async, UnaryLoop, channels[c],
                                 std::cref(workload), first, window));
  }
  LoadResult total;
  for (auto& f : running) total.Merge(f.get());
  return total;
}

LoadResult StreamChecks(const std::string& socket_path,
                        const Workload& workload, int window_size,
                        LoadWindow window) {
  if (window_size < 1) Fail("stream window must be at least 1");
  auto stub = v1::Check::NewStub(Connect(socket_path));
  return window_size == 1 ? PingPong(*stub, workload, window)
                          : Pipelined(*stub, workload, window_size, window);
}

}  // namespace imeisync::bench
