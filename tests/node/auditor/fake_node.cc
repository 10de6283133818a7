#include "tests/node/auditor/fake_node.h"

#include <algorithm>

#include "node/merkle/log_hash.h"
#include "node/merkle/log_nodes.h"
#include "node/rpc/wire.h"

namespace imeisync::node::auditor::testing {

void Log::Append(const Entry& entry) {
  entries_.push_back(entry);
  tree_.Append(merkle::LogLeafHash(EncodeEntry(entry)));
}

void Log::Append(const std::vector<Entry>& entries) {
  for (const Entry& e : entries) Append(e);
}

Log Log::Prefix(uint64_t n) const {
  Log out;
  for (uint64_t i = 0; i < n && i < entries_.size(); ++i) {
    out.Append(entries_[i]);
  }
  return out;
}

Result<std::vector<Hash32>> Log::Consistency(uint64_t first,
                                             uint64_t second) const {
  if (second > size()) {
    return InvalidArgument("size " + std::to_string(second) +
                           " is beyond the log's " + std::to_string(size()));
  }
  return merkle::LogConsistencyProof(tree_, first, second);
}

Result<v1::Frontier> FakeNode::Frontier() {
  ++frontier_calls;
  if (frontier_error) return *frontier_error;
  std::set<std::string> origins;
  for (const auto& [origin, log] : logs) origins.insert(origin);
  for (const auto& [origin, note] : checkpoints) origins.insert(origin);
  v1::Frontier out;
  for (const std::string& origin : origins) {
    v1::OriginHead* h = out.add_origins();
    h->set_origin(origin);
    if (auto log = logs.find(origin); log != logs.end()) {
      h->set_size(log->second.size());
      h->set_root(rpc::HashBytes(log->second.Root()));
    }
    if (auto note = checkpoints.find(origin); note != checkpoints.end()) {
      h->mutable_checkpoint()->set_note(note->second);
    }
    h->set_frozen(frozen.contains(origin));
  }
  out.set_state_root(rpc::HashBytes(state_root));
  out.set_state_head(state_head);
  return out;
}

Result<std::vector<Hash32>> FakeNode::Consistency(const std::string& origin,
                                                  uint64_t first,
                                                  uint64_t second) {
  ++consistency_calls;
  if (consistency_error) return *consistency_error;
  auto log = logs.find(origin);
  if (log == logs.end()) {
    return NotFound("node " + id_ + " holds no log of " + origin);
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> proof,
                            log->second.Consistency(first, second));
  if (corrupt_proofs) {
    if (proof.empty()) {
      proof.push_back(Hash32{});
    } else {
      proof.back()[0] ^= 1;
    }
  }
  return proof;
}

Status FakeNode::ReadLog(
    const std::string& origin, uint64_t size,
    const std::function<Status(std::span<const Entry>)>& sink) {
  ++read_log_calls;
  if (read_log_error) return *read_log_error;
  auto log = logs.find(origin);
  if (log == logs.end() || size > log->second.size()) {
    return NotFound("node " + id_ + " holds no " + std::to_string(size) +
                    " entries of " + origin);
  }
  std::vector<Entry> entries(
      log->second.entries().begin(),
      log->second.entries().begin() + static_cast<std::ptrdiff_t>(size));
  if (auto a = altered_entry.find(origin);
      a != altered_entry.end() && a->second < entries.size()) {
    entries[a->second].tag[0] ^= 1;
  }
  if (auto w = withheld_entries.find(origin); w != withheld_entries.end()) {
    entries.resize(entries.size() - std::min<uint64_t>(w->second, size));
  }
  for (size_t at = 0; at < entries.size(); at += 3) {
    const size_t n = std::min<size_t>(3, entries.size() - at);
    IMEISYNC_RETURN_IF_ERROR(sink(std::span(entries).subspan(at, n)));
  }
  return Status::Ok();
}

Status FakeNode::Announce(const std::vector<std::string>& notes) {
  announced.insert(announced.end(), notes.begin(), notes.end());
  return Status::Ok();
}

}  // namespace imeisync::node::auditor::testing
