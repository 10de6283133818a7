// An in-process node for auditor tests: it serves exactly what the test
// put in it, and lies or fails as its knobs say.
#ifndef IMEISYNC_TESTS_NODE_AUDITOR_FAKE_NODE_H_
#define IMEISYNC_TESTS_NODE_AUDITOR_FAKE_NODE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/auditor/node_source.h"
#include "node/entry.h"
#include "node/merkle/memory_log.h"

namespace imeisync::node::auditor::testing {

// One origin's log in memory: its entries and their RFC 9162 tree.
class Log {
 public:
  void Append(const Entry& entry);
  void Append(const std::vector<Entry>& entries);
  uint64_t size() const { return entries_.size(); }
  Hash32 Root() const { return tree_.Root(); }
  // The first `n` entries. REQUIRES: n <= size().
  Log Prefix(uint64_t n) const;
  // RFC 9162 PROOF(first, D[0:second]). InvalidArgument unless
  // 0 < first <= second <= size().
  Result<std::vector<Hash32>> Consistency(uint64_t first,
                                          uint64_t second) const;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  mutable merkle::MemoryLog tree_;  // Node() is not const
};

class FakeNode final : public NodeSource {
 public:
  explicit FakeNode(std::string id) : id_(std::move(id)) {}

  // What the node holds. Frontier() lists every origin of `logs` and of
  // `checkpoints`, in origin order, each with the note `checkpoints` gives
  // (none if absent).
  std::map<std::string, Log> logs;                 // by origin name
  std::map<std::string, std::string> checkpoints;  // origin to signed note
  std::set<std::string> frozen;                    // origins it froze
  std::string state_head;                          // a signed note
  Hash32 state_root{};  // what the frontier reports beside the head

  // Lies and failures.
  std::optional<Status> frontier_error;     // Frontier() returns it
  std::optional<Status> consistency_error;  // Consistency() returns it
  bool corrupt_proofs = false;  // each proof has one bit flipped (an empty
                                // proof gets a hash added)
  // ReadLog hands this many fewer of an origin's entries than asked for.
  std::map<std::string, uint64_t> withheld_entries;
  // ReadLog changes the tag of this entry of an origin.
  std::map<std::string, uint64_t> altered_entry;
  std::optional<Status> read_log_error;  // ReadLog returns it

  // What the auditor asked of it.
  int frontier_calls = 0;
  int consistency_calls = 0;
  int read_log_calls = 0;
  std::vector<std::string> announced;

  const std::string& id() const override { return id_; }
  Result<v1::Frontier> Frontier() override;
  Result<std::vector<Hash32>> Consistency(const std::string& origin,
                                          uint64_t first,
                                          uint64_t second) override;
  // Hands entries in chunks of three.
  Status ReadLog(
      const std::string& origin, uint64_t size,
      const std::function<Status(std::span<const Entry>)>& sink) override;
  Status Announce(const std::vector<std::string>& notes) override;

 private:
  std::string id_;
};

}  // namespace imeisync::node::auditor::testing

#endif  // IMEISYNC_TESTS_NODE_AUDITOR_FAKE_NODE_H_
