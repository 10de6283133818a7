// What the RPC services tell the daemon, so that services and pullers do
// not know about each other.
#ifndef IMEISYNC_NODE_RPC_SYNC_EVENTS_H_
#define IMEISYNC_NODE_RPC_SYNC_EVENTS_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/checkpoint.h"

namespace imeisync::node::rpc {

class SyncEvents {
 public:
  virtual ~SyncEvents() = default;
  // Member `from` announced that it holds these signed checkpoints, each
  // parsed once where it arrived (an error for one that did not parse: the
  // pull refuses and counts it). Must return quickly: the pull happens on
  // another thread.
  virtual void OnAnnounce(
      const std::string& from,
      std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) = 0;
  // A newer bundle was installed; peers should hear about it.
  virtual void OnBundleChanged() = 0;
  // This node signed or verified new checkpoints; announce them to peers
  // other than `from` ("" = to all).
  virtual void OnNewCheckpoints(const std::string& from,
                                const std::vector<std::string>& notes) = 0;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_SYNC_EVENTS_H_
