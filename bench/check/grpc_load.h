// Closed-loop load on the Check service (proto/imeisync.proto) over the
// node's admin unix socket: unary calls from several clients, and one
// bidirectional CheckStream.
#ifndef IMEISYNC_BENCH_CHECK_GRPC_LOAD_H_
#define IMEISYNC_BENCH_CHECK_GRPC_LOAD_H_

#include <string>

#include "bench/check/load_result.h"
#include "bench/check/workload.h"

namespace imeisync::bench {

// `clients` threads, each with its own channel (and so its own connection)
// to `socket_path`, each sending one unary Check at a time until
// window.until. Each call has a 5 s deadline; a failed call counts as an
// error. Fails if a channel does not connect within 10 s.
LoadResult UnaryChecks(const std::string& socket_path, const Workload& workload,
                       int clients, LoadWindow window);

// `in_flight` unary Check calls outstanding at all times, spread over
// `channels` channels, all driven by one thread through a completion queue
// (the async API): the load costs far less CPU than a thread per call, so
// more of a small machine is left to the server. Same deadline, errors and
// failures as UnaryChecks.
LoadResult AsyncUnaryChecks(const std::string& socket_path,
                            const Workload& workload, int in_flight,
                            int channels, LoadWindow window);

// One CheckStream with at most `window_size` requests unanswered: 1 is
// ping-pong (write, read, repeat, on one thread); more uses a writer and a
// reader thread. Latency runs from just before Write to the answer's Read.
// Fails if the channel does not connect, or if no answer comes for 10 s.
LoadResult StreamChecks(const std::string& socket_path,
                        const Workload& workload, int window_size,
                        LoadWindow window);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_GRPC_LOAD_H_
