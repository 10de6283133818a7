#include "node/verdict/local_data.h"

#include <boost/test/unit_test.hpp>

#include "tests/support/temp_dir.h"

namespace imeisync::node::verdict {
namespace {

using testing::TempDir;

std::unique_ptr<store::Env> OpenEnv(const std::string& path) {
  store::EnvOptions o;
  o.path = path;
  o.databases.assign(kLocalDatabases.begin(), kLocalDatabases.end());
  o.initial_map_size = size_t{16} << 20;
  auto env = store::Env::Open(o);
  BOOST_TEST_REQUIRE(env.ok(), env.status().ToString());
  return std::move(*env);
}

Hash32 Tag(uint8_t b) {
  Hash32 t{};
  t[31] = b;
  return t;
}

BOOST_AUTO_TEST_SUITE(local_data)

BOOST_AUTO_TEST_CASE(pairs_are_per_device_and_imsi) {
  TempDir dir;
  auto env = OpenEnv(dir.path());
  LocalData local = *LocalData::Open(*env);
  BOOST_TEST(env->Update([&](store::WriteTxn& txn) {
                  return local.Pair(txn, Tag(1), "401011234567890");
                })
                 .ok());
  auto txn = *env->BeginRead();
  BOOST_TEST(*local.IsPaired(txn, Tag(1), "401011234567890"));
  BOOST_TEST(!*local.IsPaired(txn, Tag(1), "401011234567891"));
  BOOST_TEST(!*local.IsPaired(txn, Tag(2), "401011234567890"));
  BOOST_TEST(!*local.IsPaired(txn, Tag(1), ""));
  BOOST_TEST(*local.PairCount(txn) == 1u);
}

BOOST_AUTO_TEST_CASE(unpair_removes_and_says_when_there_was_nothing) {
  TempDir dir;
  auto env = OpenEnv(dir.path());
  LocalData local = *LocalData::Open(*env);
  auto pair = [&] {
    return env->Update([&](store::WriteTxn& txn) {
      return local.Pair(txn, Tag(1), "40101123");
    });
  };
  auto unpair = [&] {
    return env->Update([&](store::WriteTxn& txn) {
      return local.Unpair(txn, Tag(1), "40101123");
    });
  };
  BOOST_TEST(pair().ok());
  BOOST_TEST(pair().ok());  // twice is a no-op
  BOOST_TEST(unpair().ok());
  Status again = unpair();
  BOOST_TEST((again.code() == StatusCode::kNotFound));
  BOOST_TEST(!*local.IsPaired(*env->BeginRead(), Tag(1), "40101123"));
}

BOOST_AUTO_TEST_CASE(a_malformed_imsi_is_refused) {
  TempDir dir;
  auto env = OpenEnv(dir.path());
  LocalData local = *LocalData::Open(*env);
  for (std::string_view bad : {"", "1234", "1234567890123456", "40101a23"}) {
    Status s = env->Update(
        [&](store::WriteTxn& txn) { return local.Pair(txn, Tag(1), bad); });
    BOOST_TEST((s.code() == StatusCode::kInvalidArgument), bad);
    BOOST_TEST(s.message().find("IMSI") != std::string::npos);
  }
  BOOST_TEST(*local.PairCount(*env->BeginRead()) == 0u);
}

BOOST_AUTO_TEST_CASE(first_seen_is_set_replaced_and_survives_reopen) {
  TempDir dir;
  {
    auto env = OpenEnv(dir.path());
    LocalData local = *LocalData::Open(*env);
    BOOST_TEST(!local.FirstSeen(*env->BeginRead(), Tag(3))->has_value());
    BOOST_TEST(env->Update([&](store::WriteTxn& txn) {
                    return local.SetFirstSeen(txn, Tag(3), 19'000);
                  })
                   .ok());
    BOOST_TEST(env->Update([&](store::WriteTxn& txn) {
                    return local.SetFirstSeen(txn, Tag(3), 20'500);
                  })
                   .ok());
  }
  auto env = OpenEnv(dir.path());
  LocalData local = *LocalData::Open(*env);
  auto txn = *env->BeginRead();
  BOOST_TEST(**local.FirstSeen(txn, Tag(3)) == 20'500u);
  BOOST_TEST(*local.SeenCount(txn) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::verdict
