// The local-only tag cache of an oprf-mode member: imei14 -> device tag,
// per epoch. A tag costs one blinded round trip to the evaluator and one
// unit of the member's budget; the cache makes each device cost that once
// per epoch. Local-only data, like local_pairs: no log carries it, no state
// tree covers it and no peer RPC serves it. It holds the member's own
// subscribers' IMEIs, which docs/formats.md "Local-only data" describes.
#ifndef IMEISYNC_NODE_TAGS_TAG_CACHE_H_
#define IMEISYNC_NODE_TAGS_TAG_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/store/env.h"
#include "node/tags/tag_source.h"

namespace imeisync::node::tags {

inline constexpr std::array<const char*, 1> kTagCacheDatabases = {"tag_cache"};

// Key: epoch (8 bytes, big-endian) || imei14 (14 ASCII digits).
// Value: the 32-byte tag.
class TagCache {
 public:
  // NotFound unless kTagCacheDatabases were declared when `env` opened.
  static Result<TagCache> Open(const store::Env& env);

  Result<std::optional<Hash32>> Get(const store::Txn& txn, uint64_t epoch,
                                    std::string_view imei14) const;
  Status Put(store::WriteTxn& txn, uint64_t epoch, std::string_view imei14,
             const Hash32& tag) const;
  Result<uint64_t> Count(const store::Txn& txn) const { return txn.Count(db_); }

 private:
  explicit TagCache(store::Db db) : db_(db) {}
  store::Db db_;
};

// Receives the tags of imei14s[begin, begin + tags.size()) as soon as one
// batch of a query is verified, possibly from several threads at once. An
// error stops the query.
using VerifiedTags =
    std::function<Status(size_t begin, std::span<const Hash32> tags)>;

// Who answers a cache miss: the evaluator, through blinded queries
// (node/rpc/remote_oprf_tags.h). Thread-safe.
class TagOracle {
 public:
  virtual ~TagOracle() = default;
  // The tags of `imei14s` in order, under `epoch`'s key: Unavailable if
  // the bundle is no longer at `epoch`. Each verified batch goes to
  // `on_verified` before the call returns, so that evaluations already
  // paid for are kept even when a later batch fails.
  virtual Result<std::vector<Hash32>> Query(
      uint64_t epoch, std::span<const std::string> imei14s,
      const VerifiedTags& on_verified) = 0;
};

// Lookups and misses since start, for status and metrics.
struct TagCacheCounters {
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
};

// A TagSource answering from the cache under the bundle's current epoch
// (`epoch()`); the misses of one call, each distinct IMEI once, go to the
// oracle in one Query, and each verified batch is stored (one write
// transaction per batch) as it arrives: a call that fails part way keeps
// the tags it paid for. A device that another call is already asking for
// is not asked again: this call waits for that answer and reads it from
// the cache (and asks itself only if that call failed), so concurrent
// checks of one new device cost one evaluation.
// REQUIRES: the calling thread holds no read transaction on `env`.
std::unique_ptr<TagSource> CachedTags(
    store::Env& env, TagCache cache, std::function<uint64_t()> epoch,
    std::unique_ptr<TagOracle> oracle,
    std::shared_ptr<TagCacheCounters> counters);

}  // namespace imeisync::node::tags

#endif  // IMEISYNC_NODE_TAGS_TAG_CACHE_H_
