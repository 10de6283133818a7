#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace imeisync::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string Seconds(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else {
    std::snprintf(buf, sizeof buf, "%.0fm%02.0fs", s / 60 - 0.5,
                  static_cast<double>(static_cast<int64_t>(s) % 60));
  }
  return buf;
}

}  // namespace

Progress::Progress(std::string what, uint64_t total_bytes)
    : what_(std::move(what)),
      total_bytes_(total_bytes),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(Clock::now()),
      last_draw_(start_) {}

void Progress::Update(uint64_t rows, uint64_t bytes) {
  const auto now = Clock::now();
  if (now - last_draw_ < (tty_ ? std::chrono::milliseconds(200)
                               : std::chrono::milliseconds(5000))) {
    return;
  }
  last_draw_ = now;
  Draw(rows, bytes, false);
}

void Progress::Finish(uint64_t rows, uint64_t bytes) {
  Draw(rows, bytes, true);
}

void Progress::Draw(uint64_t rows, uint64_t bytes, bool final) {
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(rows) / elapsed : 0;
  const double fraction =
      total_bytes_ > 0 ? std::min(1.0, static_cast<double>(bytes) /
                                           static_cast<double>(total_bytes_))
                       : 0;
  std::string eta;
  if (total_bytes_ > 0 && fraction > 0 && !final) {
    eta = " ETA " + Seconds(elapsed * (1 - fraction) / fraction);
  }
  char line[160];
  if (tty_) {
    std::string bar;
    if (total_bytes_ > 0) {
      const int filled = static_cast<int>(fraction * 30);
      bar =
          "[" + std::string(filled, '#') + std::string(30 - filled, '.') + "] ";
    }
    std::snprintf(line, sizeof line,
                  "\r%s: %s%3.0f%% %llu rows, %.0f rows/s%s\033[K",
                  what_.c_str(), bar.c_str(), fraction * 100,
                  static_cast<unsigned long long>(rows), rate, eta.c_str());
    std::fputs(line, stderr);
    if (final) std::fputs("\n", stderr);
  } else {
    if (total_bytes_ > 0) {
      std::snprintf(line, sizeof line,
                    "%s: %llu rows (%.0f%%), %.0f rows/s%s\n", what_.c_str(),
                    static_cast<unsigned long long>(rows), fraction * 100, rate,
                    eta.c_str());
    } else {
      std::snprintf(line, sizeof line, "%s: %llu rows, %.0f rows/s\n",
                    what_.c_str(), static_cast<unsigned long long>(rows), rate);
    }
    std::fputs(line, stderr);
  }
  std::fflush(stderr);
}

}  // namespace imeisync::cli
