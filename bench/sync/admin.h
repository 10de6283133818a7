// The benchmark's side of a node's Admin API (proto/imeisync.proto): the
// unix socket in the node directory, insecure credentials as for the CLI.
#ifndef IMEISYNC_BENCH_SYNC_ADMIN_H_
#define IMEISYNC_BENCH_SYNC_ADMIN_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proto/imeisync.grpc.pb.h"

namespace imeisync::bench {

// Most IMEIs the benchmark sends in one Submit; the server allows 1,000,000
// but a 100k request (about 1.8 MB) keeps each call's memory small.
constexpr size_t kSubmitBatch = 100'000;

class AdminConnection {
 public:
  // Connects to `socket_path` (absolute). Fails if no daemon answers within
  // 10 s.
  explicit AdminConnection(const std::string& socket_path);

  // One Submit call. REQUIRES: 1 <= imeis.size() <= kSubmitBatch. Returns
  // once a signed checkpoint covers the entries; fails with the server's
  // message, or after 300 s.
  v1::SubmitResponse Submit(v1::Action action, v1::Reason reason,
                            const std::vector<std::string>& imeis);
  // Fails with the server's message, or after 10 s.
  v1::NodeStatus Status();

 private:
  std::string socket_path_;
  std::unique_ptr<v1::Admin::Stub> stub_;
};

// Entries of `origin` the node holds (frontier size); 0 if it has none.
uint64_t OriginSize(const v1::NodeStatus& status, const std::string& origin);

// The node's replication counters for `peer_id`. Fails if it has no such
// peer.
v1::PeerStatus PeerCounters(const v1::NodeStatus& status,
                            const std::string& peer_id);

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_ADMIN_H_
