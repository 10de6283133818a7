// Closed-loop load on the node's N5g-eir HTTP API (node/http/http_api.h):
// GET /n5g-eir-eic/v1/equipment-status?pei=imei-<15 digits> over plain
// keep-alive HTTP/1.1 connections on loopback.
#ifndef IMEISYNC_BENCH_CHECK_HTTP_LOAD_H_
#define IMEISYNC_BENCH_CHECK_HTTP_LOAD_H_

#include <string>

#include "bench/check/load_result.h"
#include "bench/check/workload.h"

namespace imeisync::bench {

// `connections` connections to `host_port` ("127.0.0.1:<port>"), driven by
// one epoll thread, each with one request outstanding until window.until;
// answers still missing 2 s after that count as errors. A 200 whose body
// names the expected status is right; another status word is wrong; any
// other answer is an error. Fails if a connection cannot be made or the
// server closes one.
LoadResult HttpChecks(const std::string& host_port, const Workload& workload,
                      int connections, LoadWindow window);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_CHECK_HTTP_LOAD_H_
