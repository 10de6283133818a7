// What an audit asks of one node, as an interface so that the checks can
// be tested against nodes that lie. GrpcNodeSource asks a real node over
// its peer listener (mutual TLS, the auditor's member certificate).
#ifndef IMEISYNC_NODE_AUDITOR_NODE_SOURCE_H_
#define IMEISYNC_NODE_AUDITOR_NODE_SOURCE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/entry.h"
#include "node/rpc/tls.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::auditor {

class NodeSource {
 public:
  virtual ~NodeSource() = default;
  // The member id the source speaks for.
  virtual const std::string& id() const = 0;
  // Every origin's latest checkpoint and the node's signed state head.
  virtual Result<v1::Frontier> Frontier() = 0;
  // The RFC 9162 consistency proof from `first` to `second` of `origin`.
  virtual Result<std::vector<Hash32>> Consistency(const std::string& origin,
                                                  uint64_t first,
                                                  uint64_t second) = 0;
  // Entries [0, size) of `origin`, handed to `sink` in order, a chunk at a
  // time; a sink error stops the read and is returned.
  virtual Status ReadLog(
      const std::string& origin, uint64_t size,
      const std::function<Status(std::span<const Entry>)>& sink) = 0;
  // Announces checkpoints (carrying the auditor's cosignatures).
  virtual Status Announce(const std::vector<std::string>& notes) = 0;
};

class GrpcNodeSource final : public NodeSource {
 public:
  // `deadline` bounds each unary call; a log read gets ten times it per
  // million entries, at least a minute.
  GrpcNodeSource(const rpc::TlsMaterial& tls, std::string id,
                 const std::string& endpoint,
                 std::chrono::milliseconds deadline);

  const std::string& id() const override { return id_; }
  Result<v1::Frontier> Frontier() override;
  Result<std::vector<Hash32>> Consistency(const std::string& origin,
                                          uint64_t first,
                                          uint64_t second) override;
  Status ReadLog(
      const std::string& origin, uint64_t size,
      const std::function<Status(std::span<const Entry>)>& sink) override;
  Status Announce(const std::vector<std::string>& notes) override;

 private:
  std::string id_;
  std::string endpoint_;
  std::chrono::milliseconds deadline_;
  std::unique_ptr<v1::Replication::Stub> stub_;
};

}  // namespace imeisync::node::auditor

#endif  // IMEISYNC_NODE_AUDITOR_NODE_SOURCE_H_
