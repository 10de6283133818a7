// The oprf member's tag cache in front of a stand-in evaluator: hits need
// no query, concurrent misses of one device are asked for once, a failed
// query leaves the waiting call to ask for itself.
#include "node/tags/tag_cache.h"

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "crypto/sha256.h"
#include "tests/support/temp_dir.h"

namespace imeisync::node::tags {
namespace {

Hash32 FakeTag(const std::string& imei14) {
  return crypto::Sha256(AsBytes(imei14));
}

// Answers every IMEI with FakeTag; counts how often each was asked; can
// hold the first query until released, and fail the next one.
class FakeOracle final : public TagOracle {
 public:
  Result<std::vector<Hash32>> Query(uint64_t,
                                    std::span<const std::string> imei14s,
                                    const VerifiedTags& on_verified) override {
    {
      std::unique_lock lock(mu);
      for (const std::string& imei : imei14s) ++asked[imei];
      ++queries;
      entered.notify_all();
      if (hold_first && queries == 1) {
        released.wait(lock, [&] { return release; });
      }
      if (fail_next) {
        fail_next = false;
        return Unavailable("evaluator down");
      }
    }
    std::vector<Hash32> tags;
    for (const std::string& imei : imei14s) tags.push_back(FakeTag(imei));
    IMEISYNC_RETURN_IF_ERROR(on_verified(0, tags));
    return tags;
  }

  void WaitForQueries(int n) {
    std::unique_lock lock(mu);
    entered.wait(lock, [&] { return queries >= n; });
  }
  void Release(bool fail) {
    std::lock_guard lock(mu);
    release = true;
    fail_next = fail;
    released.notify_all();
  }

  std::mutex mu;
  std::condition_variable entered, released;
  std::map<std::string, int> asked;
  int queries = 0;
  bool hold_first = false, release = false, fail_next = false;
};

struct Fixture {
  testing::TempDir tmp;
  std::unique_ptr<store::Env> env;
  FakeOracle* oracle = nullptr;
  std::shared_ptr<TagCacheCounters> counters =
      std::make_shared<TagCacheCounters>();
  std::unique_ptr<TagSource> cached;

  Fixture() {
    store::EnvOptions o;
    o.path = tmp.File("env");
    o.databases = {kTagCacheDatabases.begin(), kTagCacheDatabases.end()};
    auto opened = store::Env::Open(o);
    BOOST_TEST_REQUIRE(opened.ok(), opened.status().ToString());
    env = *std::move(opened);
    auto cache = TagCache::Open(*env);
    BOOST_TEST_REQUIRE(cache.ok());
    auto fake = std::make_unique<FakeOracle>();
    oracle = fake.get();
    cached = CachedTags(
        *env, *cache, [] { return uint64_t{1}; }, std::move(fake), counters);
  }
};

BOOST_AUTO_TEST_SUITE(tag_cache)

BOOST_FIXTURE_TEST_CASE(hits_need_no_query, Fixture) {
  const std::vector<std::string> first = {"35209900176148", "49015420323751",
                                          "35209900176148"};
  auto r = cached->Tags(first);
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(((*r)[0] == FakeTag(first[0]) && (*r)[2] == FakeTag(first[0]) &&
              (*r)[1] == FakeTag(first[1])));
  BOOST_TEST(oracle->queries == 1);
  BOOST_TEST(oracle->asked[first[0]] == 1);  // a repeat within a call: once
  r = cached->Tags(first);
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(oracle->queries == 1);
  BOOST_TEST(counters->hits.load() == 3u);
  BOOST_TEST(counters->misses.load() == 2u);
}

BOOST_FIXTURE_TEST_CASE(concurrent_misses_of_one_device_are_asked_once,
                        Fixture) {
  oracle->hold_first = true;
  Result<std::vector<Hash32>> a = Internal("not run"), b = Internal("not run");
  std::thread first([&] {
    a = cached->Tags(std::vector<std::string>{"x", "y"});
  });
  oracle->WaitForQueries(1);  // "x" and "y" are in flight
  std::thread second([&] {
    b = cached->Tags(std::vector<std::string>{"x", "z"});
  });
  oracle->WaitForQueries(2);  // the second asked for "z" only
  oracle->Release(/*fail=*/false);
  first.join();
  second.join();
  BOOST_TEST_REQUIRE(a.ok(), a.status().ToString());
  BOOST_TEST_REQUIRE(b.ok(), b.status().ToString());
  BOOST_TEST(oracle->asked["x"] == 1);
  BOOST_TEST(oracle->asked["y"] == 1);
  BOOST_TEST(oracle->asked["z"] == 1);
  BOOST_TEST(((*b)[0] == FakeTag("x") && (*b)[1] == FakeTag("z")));
}

BOOST_FIXTURE_TEST_CASE(a_waiting_call_asks_itself_if_the_first_fails,
                        Fixture) {
  oracle->hold_first = true;
  Result<std::vector<Hash32>> a = Internal("not run"), b = Internal("not run");
  std::thread first([&] { a = cached->Tags(std::vector<std::string>{"w"}); });
  oracle->WaitForQueries(1);
  std::thread second([&] { b = cached->Tags(std::vector<std::string>{"w"}); });
  // The second waits for the first: nothing for it to ask yet. Give it
  // time to start waiting, then fail the first query.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  oracle->Release(/*fail=*/true);
  first.join();
  second.join();
  BOOST_TEST(a.status().code() == StatusCode::kUnavailable);
  BOOST_TEST_REQUIRE(b.ok(), b.status().ToString());
  BOOST_TEST(((*b)[0] == FakeTag("w")));
  BOOST_TEST(oracle->asked["w"] == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::tags
