#include "node/merkle/memory_state_store.h"

#include <algorithm>
#include <string>
#include <tuple>

namespace imeisync::node::merkle {
namespace {

Status CheckDepth(const NibblePrefix& prefix) {
  if (prefix.depth < 0 || prefix.depth >= 64) {
    return InvalidArgument(
        "a state node's prefix must be 0 to 63 nibbles, not " +
        std::to_string(prefix.depth));
  }
  return Status::Ok();
}

}  // namespace

bool MemoryStateStore::IdLess::operator()(const StateNodeId& a,
                                          const StateNodeId& b) const {
  return std::tie(a.version, a.prefix.depth, a.prefix.bytes) <
         std::tie(b.version, b.prefix.depth, b.prefix.bytes);
}

Result<ByteView> MemoryStateStore::Root(uint64_t version) const {
  auto it = roots_.find(version);
  if (it == roots_.end()) {
    return NotFound("no root for version " + std::to_string(version));
  }
  return ByteView(it->second);
}

Result<ByteView> MemoryStateStore::Node(uint64_t version,
                                        const NibblePrefix& prefix) const {
  auto it = nodes_.find(StateNodeId{version, prefix});
  if (it == nodes_.end()) {
    return NotFound("no node of version " + std::to_string(version));
  }
  return ByteView(it->second);
}

Result<std::optional<StaleList>> MemoryStateStore::NextStale(
    uint64_t from) const {
  auto it = stale_.lower_bound(from);
  if (it == stale_.end()) return std::optional<StaleList>();
  return std::optional<StaleList>(StaleList{it->first, it->second});
}

Result<std::vector<uint64_t>> MemoryStateStore::RootVersions(
    uint64_t below, uint64_t limit) const {
  std::vector<uint64_t> out;
  for (auto it = roots_.begin();
       it != roots_.end() && it->first < below && out.size() < limit; ++it) {
    out.push_back(it->first);
  }
  return out;
}

Status MemoryStateStore::PutNodes(uint64_t version,
                                  std::span<const StateNodeRecord> nodes) {
  if (!nodes_.empty() && nodes_.rbegin()->first.version >= version) {
    return InvalidArgument("state nodes of version " + std::to_string(version) +
                           " written after version " +
                           std::to_string(nodes_.rbegin()->first.version));
  }
  std::map<StateNodeId, Bytes, IdLess> batch;
  for (const StateNodeRecord& n : nodes) {
    IMEISYNC_RETURN_IF_ERROR(CheckDepth(n.prefix));
    if (!batch.emplace(StateNodeId{version, n.prefix}, n.value).second) {
      return InvalidArgument("a state node prefix written twice in version " +
                             std::to_string(version));
    }
  }
  nodes_.merge(batch);
  return Status::Ok();
}

Status MemoryStateStore::DeleteNodes(std::span<const StateNodeId> nodes) {
  for (const StateNodeId& id : nodes) nodes_.erase(id);
  return Status::Ok();
}

Status MemoryStateStore::PutRoot(uint64_t version, ByteView root) {
  roots_[version].assign(root.begin(), root.end());
  return Status::Ok();
}

Status MemoryStateStore::DeleteRoot(uint64_t version) {
  roots_.erase(version);
  return Status::Ok();
}

Status MemoryStateStore::PutStale(uint64_t version,
                                  std::span<const StateNodeId> nodes) {
  for (const StateNodeId& id : nodes)
    IMEISYNC_RETURN_IF_ERROR(CheckDepth(id.prefix));
  stale_[version].assign(nodes.begin(), nodes.end());
  return Status::Ok();
}

Status MemoryStateStore::DeleteStale(uint64_t version) {
  stale_.erase(version);
  return Status::Ok();
}

Status MemoryStateStore::SetVersion(uint64_t version) {
  version_ = version;
  return Status::Ok();
}

}  // namespace imeisync::node::merkle
