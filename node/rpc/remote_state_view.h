// A peer's state tree seen through StateSync: one call per visited prefix,
// for DiffStateTrees.
#ifndef IMEISYNC_NODE_RPC_REMOTE_STATE_VIEW_H_
#define IMEISYNC_NODE_RPC_REMOTE_STATE_VIEW_H_

#include <chrono>

#include "node/merkle/state_diff.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

class RemoteStateView : public merkle::StateTreeView {
 public:
  // `stub` must outlive the view. Each call has `deadline` to answer.
  RemoteStateView(v1::StateSync::StubInterface& stub,
                  std::chrono::milliseconds deadline)
      : stub_(stub), deadline_(deadline) {}

  // The peer's answers are checked: a node that does not decode, or a
  // hash of the wrong length, is InvalidArgument.
  Result<merkle::SubtreeView> At(const merkle::NibblePrefix& prefix) override;
  Result<std::vector<merkle::StatePair>> LeavesUnder(
      const merkle::NibblePrefix& prefix) override;

  uint64_t calls() const { return calls_; }

 private:
  // One counted call of `method` for `prefix` under the deadline.
  template <class Reply>
  Status Ask(grpc::Status (v1::StateSync::StubInterface::*method)(
                 grpc::ClientContext*, const v1::SubtreeRequest&, Reply*),
             const merkle::NibblePrefix& prefix, Reply& reply);

  v1::StateSync::StubInterface& stub_;
  std::chrono::milliseconds deadline_;
  uint64_t calls_ = 0;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_REMOTE_STATE_VIEW_H_
