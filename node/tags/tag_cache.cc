#include "node/tags/tag_cache.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "base/big_endian.h"

namespace imeisync::node::tags {
namespace {

Bytes CacheKey(uint64_t epoch, std::string_view imei14) {
  Bytes key;
  key.reserve(8 + imei14.size());
  AppendU64(key, epoch);
  key.insert(key.end(), imei14.begin(), imei14.end());
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
    std::map<std::string, std::vector<size_t>, std::less<>> missing;
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

    // Ask for the misses no other call is asking for already; wait for the
    // others, so that concurrent checks of one new device pay once.
    std::vector<std::string> ask, wait;
    {
      std::lock_guard lock(mu_);
      for (const auto& [imei, at] : missing) {
        (in_flight_.insert(imei).second ? ask : wait).push_back(imei);
      }
    }
    counters_->misses += ask.size();
    Status asked = ask.empty() ? Status::Ok() : Ask(epoch, ask, missing, out);
    {
      std::lock_guard lock(mu_);
      for (const std::string& imei : ask) in_flight_.erase(imei);
    }
    done_.notify_all();
    if (!asked.ok()) return asked;
    if (wait.empty()) return out;

    {
      std::unique_lock lock(mu_);
      done_.wait(lock, [&] {
        return std::none_of(
            wait.begin(), wait.end(),
            [&](const std::string& imei) { return in_flight_.contains(imei); });
      });
    }
    // What the other calls stored; what they failed to get, ask for now.
    std::vector<std::string> still;
    {
      IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_.BeginRead());
      for (const std::string& imei : wait) {
        IMEISYNC_ASSIGN_OR_RETURN(std::optional<Hash32> tag,
                                  cache_.Get(txn, epoch, imei));
        if (!tag) {
          still.push_back(imei);
          continue;
        }
        for (size_t i : missing.find(imei)->second) out[i] = *tag;
      }
    }
    if (!still.empty()) {
      counters_->misses += still.size();
      IMEISYNC_RETURN_IF_ERROR(Ask(epoch, still, missing, out));
    }
    return out;
  }

 private:
  // Queries the oracle for `ask`, stores each verified batch, and fills
  // the positions of `out` that want each.
  Status Ask(
      uint64_t epoch, const std::vector<std::string>& ask,
      const std::map<std::string, std::vector<size_t>, std::less<>>& missing,
      std::vector<Hash32>& out) {
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
    for (size_t k = 0; k < ask.size(); ++k) {
      for (size_t i : missing.find(ask[k])->second) out[i] = answer[k];
    }
    return Status::Ok();
  }

  store::Env& env_;
  const TagCache cache_;
  const std::function<uint64_t()> epoch_;
  const std::unique_ptr<TagOracle> oracle_;
  const std::shared_ptr<TagCacheCounters> counters_;

  std::mutex mu_;
  std::condition_variable done_;
  std::set<std::string, std::less<>> in_flight_;  // guarded by mu_
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

}  // namespace imeisync::node::tags
