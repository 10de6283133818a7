#include "node/core/tag_cache.h"

#include <cstring>
#include <map>
#include <utility>

namespace imeisync::node::core {
namespace {

Bytes CacheKey(uint64_t epoch, std::string_view imei14) {
  Bytes key(8 + imei14.size());
  for (int i = 0; i < 8; ++i)
    key[i] = static_cast<uint8_t>(epoch >> (56 - 8 * i));
  std::memcpy(key.data() + 8, imei14.data(), imei14.size());
  return key;
}

class Cached final : public TagSource {
 public:
  Cached(store::Env& env, TagCache cache, std::function<uint64_t()> epoch,
         std::unique_ptr<TagOracle> oracle,
         std::shared_ptr<TagCacheCounters> counters)
      : env_(env),
        cache_(cache),
        epoch_(std::move(epoch)),
        oracle_(std::move(oracle)),
        counters_(std::move(counters)) {}

  Result<std::vector<Hash32>> Tags(
      std::span<const std::string> imei14s) override {
    const uint64_t epoch = epoch_();
    std::vector<Hash32> out(imei14s.size());
    // Distinct missing IMEIs, each with the positions that want it.
    std::map<std::string_view, std::vector<size_t>> missing;
    size_t missed = 0;  // positions not in the cache
    {
      IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_.BeginRead());
      for (size_t i = 0; i < imei14s.size(); ++i) {
        IMEISYNC_ASSIGN_OR_RETURN(std::optional<Hash32> tag,
                                  cache_.Get(txn, epoch, imei14s[i]));
        if (tag) {
          out[i] = *tag;
        } else {
          missing[imei14s[i]].push_back(i);
          ++missed;
        }
      }
    }
    counters_->hits += imei14s.size() - missed;
    if (missing.empty()) return out;
    counters_->misses += missing.size();

    std::vector<std::string> ask;
    ask.reserve(missing.size());
    for (const auto& [imei, at] : missing) ask.emplace_back(imei);
    auto store = [&](size_t begin, std::span<const Hash32> tags) -> Status {
      return env_.Update([&](store::WriteTxn& txn) -> Status {
        for (size_t k = 0; k < tags.size(); ++k) {
          IMEISYNC_RETURN_IF_ERROR(
              cache_.Put(txn, epoch, ask[begin + k], tags[k]));
        }
        return Status::Ok();
      });
    };
    IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> answer,
                              oracle_->Query(epoch, ask, store));
    if (answer.size() != ask.size()) {
      return Internal("OPRF query returned " + std::to_string(answer.size()) +
                      " tags for " + std::to_string(ask.size()) + " IMEIs");
    }
    size_t k = 0;
    for (const auto& [imei, at] : missing) {
      for (size_t i : at) out[i] = answer[k];
      ++k;
    }
    return out;
  }

 private:
  store::Env& env_;
  const TagCache cache_;
  const std::function<uint64_t()> epoch_;
  const std::unique_ptr<TagOracle> oracle_;
  const std::shared_ptr<TagCacheCounters> counters_;
};

}  // namespace

Result<TagCache> TagCache::Open(const store::Env& env) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Db db, env.Database(kTagCacheDatabases[0]));
  return TagCache(db);
}

Result<std::optional<Hash32>> TagCache::Get(const store::Txn& txn,
                                            uint64_t epoch,
                                            std::string_view imei14) const {
  Result<ByteView> v = txn.Get(db_, CacheKey(epoch, imei14));
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound)
      return std::optional<Hash32>();
    return v.status();
  }
  if (v->size() != 32) {
    return DataLoss("tag_cache: the entry of an IMEI in epoch " +
                    std::to_string(epoch) + " is " + std::to_string(v->size()) +
                    " bytes, not 32");
  }
  Hash32 tag;
  std::memcpy(tag.data(), v->data(), 32);
  return std::optional<Hash32>(tag);
}

Status TagCache::Put(store::WriteTxn& txn, uint64_t epoch,
                     std::string_view imei14, const Hash32& tag) const {
  return txn.Put(db_, CacheKey(epoch, imei14), tag);
}

std::unique_ptr<TagSource> CachedTags(
    store::Env& env, TagCache cache, std::function<uint64_t()> epoch,
    std::unique_ptr<TagOracle> oracle,
    std::shared_ptr<TagCacheCounters> counters) {
  return std::make_unique<Cached>(env, cache, std::move(epoch),
                                  std::move(oracle), std::move(counters));
}

}  // namespace imeisync::node::core
