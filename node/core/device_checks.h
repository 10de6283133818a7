// Device checks on an operator's node: the verdict for an IMEI (and the
// IMSI using it), answered from this node's own state and local-only data,
// never by asking another node. Also the writes to the local-only data.
//
// Threads: every method may be called from any thread; a check batch reads
// one MVCC snapshot, so it never waits for replication's writes.
#ifndef IMEISYNC_NODE_CORE_DEVICE_CHECKS_H_
#define IMEISYNC_NODE_CORE_DEVICE_CHECKS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "node/core/node.h"
#include "node/verdict/local_data.h"
#include "node/verdict/verdict.h"

namespace imeisync::node::core {

struct CheckRequest {
  std::string imei;  // any form node::Imei::Parse accepts
  std::string imsi;  // the subscriber using it: 5–15 digits, or "" if unknown
};

// One register that decided a verdict.
struct CheckCause {
  std::string origin;  // the log that issued it: imeisync/<fed>/<node>
  uint64_t index = 0;  // the entry's position in that log
  Entry entry;
};

struct CheckResult {
  // InvalidArgument for a malformed IMEI or IMSI (message says which rule;
  // it never repeats the input); the fields below are then unset.
  Status status;
  verdict::Verdict verdict = verdict::Verdict::kWhitelisted;
  verdict::Rule rule = verdict::Rule::kNothingAgainst;
  std::vector<CheckCause> causes;  // the blocks behind rows 2 and 4
};

struct LocalCounts {
  uint64_t pairs = 0;
  uint64_t first_seen = 0;
};

class DeviceChecks {
 public:
  // NotFound if the node's environment lacks the local databases.
  static Result<DeviceChecks> Open(Node& node);

  // Decides every request against one snapshot, with `now_ms` (Unix ms)
  // giving today for the grace period. Per-request errors are in each
  // result; the call fails only when the node cannot tag (Node::Tags():
  // no salt, or in oprf mode an evaluator that cannot answer) or for a
  // store error. In oprf mode the uncached devices of the whole call cost
  // one batched query to the evaluator.
  // When the policy requires registration, a check is the network seeing
  // the device: an unregistered device with no first-seen record is queued
  // to get today as its first-seen day (RecordFirstSeen() writes the
  // queue), and this check already counts it as seen today.
  // Under a witness quorum (Policy::witness_quorum > 0) a register counts
  // only once a checkpoint with that many witnesses covers its entry.
  Result<std::vector<CheckResult>> Check(std::span<const CheckRequest> requests,
                                         uint64_t now_ms) const;

  // Local-only data. InvalidArgument for a malformed IMEI or IMSI;
  // Unpair gives NotFound if the pair was not there.
  Status Pair(std::string_view imei, std::string_view imsi);
  Status Unpair(std::string_view imei, std::string_view imsi);
  // `day`: days since 1970-01-01 UTC.
  Status SetFirstSeen(std::string_view imei, uint32_t day);
  Result<LocalCounts> Counts() const;

  // Writes the first-seen days queued by Check(), keeping any record that
  // exists meanwhile, in one transaction. Returns how many were written.
  Result<uint64_t> RecordFirstSeen();

 private:
  DeviceChecks(Node& node, verdict::LocalData local)
      : node_(&node), local_(local), unseen_(std::make_unique<Unseen>()) {}
  Result<Hash32> TagOf(std::string_view imei) const;
  // Pair() when `paired`, else Unpair().
  Status SetPaired(std::string_view imei, std::string_view imsi, bool paired);
  // Under a witness quorum, removes the registers whose entries no
  // checkpoint with enough witnesses covers yet (Node::CountedSize),
  // caching each origin's counted size in `counted`.
  Status DropUnwitnessed(const store::Txn& txn,
                         const federation::Policy& policy,
                         std::map<std::string, uint64_t, std::less<>>& counted,
                         std::vector<state::Register>& registers) const;

  // Devices seen by a check with no first-seen record yet, and the day.
  struct Unseen {
    std::mutex mu;
    std::map<Hash32, uint32_t> days;  // guarded by mu; at most kMaxUnseen
  };
  static constexpr size_t kMaxUnseen = 1'000'000;

  Node* node_;
  verdict::LocalData local_;
  std::unique_ptr<Unseen> unseen_;  // on the heap: DeviceChecks moves
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_DEVICE_CHECKS_H_
