// TCP payload bytes on loopback connections, as the kernel counts them
// (`ss -ti`): what the protobuf counters of NodeStatus leave out (TLS
// records, HTTP/2 frames and gRPC headers) is in here.
#ifndef IMEISYNC_BENCH_SYNC_TCP_BYTES_H_
#define IMEISYNC_BENCH_SYNC_TCP_BYTES_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace imeisync::bench {

// Sum over the established TCP sockets whose remote end is 127.0.0.1 on one
// of `ports` (so each connection is counted once, on its client side) of
// the bytes sent plus the bytes received. nullopt if `ss` cannot be run or
// prints no byte counters.
std::optional<uint64_t> LoopbackClientBytes(const std::vector<int>& ports);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_TCP_BYTES_H_
