// How the replication benchmark fails, and its bounded wait.
//
// The benchmark is one program that aborts on the first failure. It throws
// BenchError and catches it in main(), so the RAII guards on the way out stop
// every daemon and remove the temp dir; no exception leaves the program.
#ifndef IMEISYNC_BENCH_SYNC_BENCH_ERROR_H_
#define IMEISYNC_BENCH_SYNC_BENCH_ERROR_H_

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace imeisync::bench {

class BenchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void Fail(const std::string& message) {
  throw BenchError(message);
}

// Set by the SIGINT/SIGTERM handler main() installs: waits give up at once.
inline std::atomic<bool> g_interrupted{false};

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Calls `done()` every `poll` until it returns true. Fails, naming `what`,
// after `timeout` or on an interrupt; the iteration count is bounded too, in
// case the clock misbehaves. Returns the time at which `done()` first held.
template <class Pred>
Clock::time_point WaitFor(const std::string& what,
                          std::chrono::milliseconds timeout,
                          std::chrono::milliseconds poll, Pred done) {
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  const long long max_polls = timeout / poll + 2;
  for (long long i = 0; i < max_polls; ++i) {
    if (done()) return Clock::now();
    if (g_interrupted) Fail("interrupted while waiting for " + what);
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(poll);
  }
  Fail("gave up after " + std::to_string(SecondsSince(start)) +
       " s waiting for " + what);
}

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_BENCH_ERROR_H_
