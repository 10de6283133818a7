// Which origins are being pulled right now, across every peer's loop, so
// that a mesh fetches each new range once rather than from every peer that
// announces it.
#ifndef IMEISYNC_NODE_RPC_PULL_CLAIMS_H_
#define IMEISYNC_NODE_RPC_PULL_CLAIMS_H_

#include <mutex>
#include <set>
#include <string>

namespace imeisync::node::rpc {

class PullClaims {
 public:
  // True if `origin` was free and is now claimed by the caller.
  bool TryClaim(const std::string& origin) {
    std::lock_guard lock(mu_);
    return claimed_.insert(origin).second;
  }
  void Release(const std::string& origin) {
    std::lock_guard lock(mu_);
    claimed_.erase(origin);
  }

 private:
  std::mutex mu_;
  std::set<std::string> claimed_;  // guarded by mu_
};

// Holds a claim for its scope.
class PullClaim {
 public:
  PullClaim(PullClaims& claims, std::string origin)
      : claims_(claims),
        origin_(std::move(origin)),
        held_(claims.TryClaim(origin_)) {}
  ~PullClaim() {
    if (held_) claims_.Release(origin_);
  }
  PullClaim(const PullClaim&) = delete;
  PullClaim& operator=(const PullClaim&) = delete;
  bool held() const { return held_; }

 private:
  PullClaims& claims_;
  std::string origin_;
  bool held_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_PULL_CLAIMS_H_
