// Wall-clock time as the wire and the logs carry it.
#ifndef IMEISYNC_BASE_CLOCK_H_
#define IMEISYNC_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace imeisync {

// Milliseconds since the Unix epoch, UTC, from the system clock.
inline uint64_t UnixMillis() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

}  // namespace imeisync

#endif  // IMEISYNC_BASE_CLOCK_H_
