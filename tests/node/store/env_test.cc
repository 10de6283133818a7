#include "node/store/env.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "tests/support/temp_dir.h"

namespace imeisync::node::store {
namespace {

using testing::TempDir;

EnvOptions Options(const std::string& path, size_t map = size_t{1} << 24) {
  EnvOptions o;
  o.path = path;
  o.databases = {"entries", "meta"};
  o.initial_map_size = map;
  return o;
}

std::unique_ptr<Env> OpenOrDie(const EnvOptions& o) {
  auto env = Env::Open(o);
  BOOST_TEST_REQUIRE(env.ok(), env.status().ToString());
  return std::move(*env);
}

std::string GetString(Env& env, Db db, std::string_view key) {
  auto txn = env.BeginRead();
  BOOST_TEST_REQUIRE(txn.ok());
  auto v = txn->Get(db, AsBytes(key));
  if (!v.ok())
    return "<" + std::string(StatusCodeName(v.status().code())) + ">";
  return std::string(AsChars(*v));
}

Status PutString(Env& env, Db db, std::string_view key,
                 std::string_view value) {
  return env.Update(
      [&](WriteTxn& txn) { return txn.Put(db, AsBytes(key), AsBytes(value)); });
}

BOOST_AUTO_TEST_SUITE(lmdb_env)

BOOST_AUTO_TEST_CASE(commit_makes_writes_visible) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  Db meta = *env->Database("meta");
  BOOST_REQUIRE(PutString(*env, meta, "k", "v").ok());
  BOOST_TEST(GetString(*env, meta, "k") == "v");
  BOOST_TEST(GetString(*env, meta, "absent") == "<NOT_FOUND>");
}

BOOST_AUTO_TEST_CASE(an_error_aborts_every_write_of_the_transaction) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  Db meta = *env->Database("meta");
  Db entries = *env->Database("entries");
  Status s = env->Update([&](WriteTxn& txn) -> Status {
    IMEISYNC_RETURN_IF_ERROR(txn.Put(meta, AsBytes("a"), AsBytes("1")));
    IMEISYNC_RETURN_IF_ERROR(txn.Put(entries, AsBytes("b"), AsBytes("2")));
    return DataLoss("root mismatch");
  });
  BOOST_TEST(s == DataLoss("root mismatch"));
  BOOST_TEST(GetString(*env, meta, "a") == "<NOT_FOUND>");
  BOOST_TEST(GetString(*env, entries, "b") == "<NOT_FOUND>");
}

BOOST_AUTO_TEST_CASE(insert_delete_and_named_databases_are_separate) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  Db meta = *env->Database("meta");
  Db entries = *env->Database("entries");
  BOOST_REQUIRE(PutString(*env, meta, "k", "meta").ok());
  BOOST_REQUIRE(PutString(*env, entries, "k", "entries").ok());
  BOOST_TEST(GetString(*env, meta, "k") == "meta");
  Status again = env->Update([&](WriteTxn& txn) {
    return txn.Insert(meta, AsBytes("k"), AsBytes("other"));
  });
  BOOST_TEST(again.code() == StatusCode::kAlreadyExists);
  BOOST_TEST(GetString(*env, meta, "k") == "meta");
  BOOST_REQUIRE(env->Update([&](WriteTxn& txn) -> Status {
                     IMEISYNC_RETURN_IF_ERROR(txn.Delete(meta, AsBytes("k")));
                     return txn.Delete(meta, AsBytes("never-there"));
                   })
                    .ok());
  BOOST_TEST(GetString(*env, meta, "k") == "<NOT_FOUND>");
  BOOST_TEST(GetString(*env, entries, "k") == "entries");
  BOOST_TEST(env->Database("nope").status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(bad_keys_are_invalid_arguments) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  Db meta = *env->Database("meta");
  BOOST_TEST(PutString(*env, meta, "", "v").code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(PutString(*env, meta, std::string(600, 'k'), "v").code() ==
             StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(cursor_visits_keys_in_byte_order) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  Db db = *env->Database("entries");
  BOOST_REQUIRE(env->Update([&](WriteTxn& txn) -> Status {
                     for (std::string k : {"c", "a", "b2", "b1", "d"}) {
                       IMEISYNC_RETURN_IF_ERROR(
                           txn.Put(db, AsBytes(k), AsBytes("v" + k)));
                     }
                     return Status::Ok();
                   })
                    .ok());
  auto txn = *env->BeginRead();
  auto cursor = *txn.NewCursor(db);
  std::string seen;
  for (cursor.SeekToFirst(); cursor.Valid(); cursor.Next()) {
    seen += std::string(AsChars(cursor.key())) + ",";
  }
  BOOST_TEST(seen == "a,b1,b2,c,d,");
  BOOST_TEST(cursor.status().ok());
  cursor.Seek(AsBytes("b"));
  BOOST_REQUIRE(cursor.Valid());
  BOOST_TEST(AsChars(cursor.key()) == "b1");
  BOOST_TEST(AsChars(cursor.value()) == "vb1");
  cursor.Seek(AsBytes("e"));
  BOOST_TEST(!cursor.Valid());
  cursor.SeekToLast();
  BOOST_TEST(AsChars(cursor.key()) == "d");
  cursor.Prev();
  BOOST_TEST(AsChars(cursor.key()) == "c");
}

BOOST_AUTO_TEST_CASE(data_persists_across_reopen) {
  TempDir dir;
  {
    auto env = OpenOrDie(Options(dir.path()));
    BOOST_REQUIRE(PutString(*env, *env->Database("meta"), "epoch", "7").ok());
  }
  auto env = OpenOrDie(Options(dir.path()));
  BOOST_TEST(GetString(*env, *env->Database("meta"), "epoch") == "7");
}

BOOST_AUTO_TEST_CASE(a_second_open_in_one_process_is_refused) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  auto again = Env::Open(Options(dir.path()));
  BOOST_TEST(again.status().code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(again.status().message().find("already open") !=
             std::string::npos);
  env.reset();
  BOOST_TEST(Env::Open(Options(dir.path())).ok());
}

BOOST_AUTO_TEST_CASE(read_snapshot_is_stable_while_a_writer_commits) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path()));
  Db meta = *env->Database("meta");
  BOOST_REQUIRE(PutString(*env, meta, "k", "old").ok());

  auto snapshot = *env->BeginRead();
  // The writer runs on another thread while the snapshot is open here.
  std::thread writer([&] {
    BOOST_CHECK(PutString(*env, meta, "k", "new").ok());
    BOOST_CHECK(PutString(*env, meta, "added", "x").ok());
  });
  writer.join();
  BOOST_TEST(AsChars(*snapshot.Get(meta, AsBytes("k"))) == "old");
  BOOST_TEST(snapshot.Get(meta, AsBytes("added")).status().code() ==
             StatusCode::kNotFound);
  // A new snapshot sees the commits.
  BOOST_TEST(GetString(*env, meta, "k") == "new");
  BOOST_TEST(GetString(*env, meta, "added") == "x");
}

BOOST_AUTO_TEST_CASE(map_grows_past_its_initial_size) {
  TempDir dir;
  const size_t initial = size_t{1} << 20;  // 1 MiB
  auto env = OpenOrDie(Options(dir.path(), initial));
  Db db = *env->Database("entries");
  const std::string value(1000, 'v');
  int attempts = 0;
  // 8 MiB of values in one transaction, then more in small ones.
  Status s = env->Update([&](WriteTxn& txn) -> Status {
    ++attempts;
    for (int i = 0; i < 8000; ++i) {
      IMEISYNC_RETURN_IF_ERROR(
          txn.Put(db, AsBytes("big" + std::to_string(i)), AsBytes(value)));
    }
    return Status::Ok();
  });
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
  BOOST_TEST(attempts > 1);  // it filled at least once and was retried
  for (int i = 0; i < 2000; ++i) {
    BOOST_REQUIRE(PutString(*env, db, "small" + std::to_string(i), value).ok());
  }
  auto stats = *env->Stats();
  BOOST_TEST(stats.map_size > initial);
  BOOST_TEST(stats.used_bytes > 8 * initial);
  BOOST_TEST(GetString(*env, db, "big7999") == value);
  BOOST_TEST(GetString(*env, db, "small1999") == value);
}

BOOST_AUTO_TEST_CASE(growth_refuses_to_deadlock_on_this_threads_snapshot) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path(), size_t{1} << 20));
  Db db = *env->Database("entries");
  auto snapshot = *env->BeginRead();
  Status s = env->Update([&](WriteTxn& txn) -> Status {
    for (int i = 0; i < 4000; ++i) {
      IMEISYNC_RETURN_IF_ERROR(txn.Put(db, AsBytes("k" + std::to_string(i)),
                                       AsBytes(std::string(1000, 'v'))));
    }
    return Status::Ok();
  });
  BOOST_TEST(s.code() == StatusCode::kFailedPrecondition);
  BOOST_TEST(snapshot.Get(db, AsBytes("k0")).status().code() ==
             StatusCode::kNotFound);
}

// A writer growing the map waits for other threads' snapshots; a thread
// that holds a snapshot and writes meanwhile must not deadlock with it.
BOOST_AUTO_TEST_CASE(
    growth_does_not_deadlock_with_a_snapshot_holder_that_writes) {
  TempDir dir;
  auto env = OpenOrDie(Options(dir.path(), size_t{1} << 20));
  Db db = *env->Database("entries");
  auto snapshot = std::make_unique<ReadTxn>(*env->BeginRead());
  std::atomic<bool> big_done{false};
  std::thread grower([&] {
    Status s = env->Update([&](WriteTxn& txn) -> Status {
      for (int i = 0; i < 4000; ++i) {
        IMEISYNC_RETURN_IF_ERROR(txn.Put(db, AsBytes("big" + std::to_string(i)),
                                         AsBytes(std::string(1000, 'v'))));
      }
      return Status::Ok();
    });
    BOOST_CHECK(s.ok());
    big_done = true;
  });
  // Let the grower fill the map and wait for our snapshot to end; then
  // write from this, the snapshot's, thread. A watchdog turns a deadlock
  // into a failure instead of a hung test.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto small_done = std::make_shared<std::atomic<bool>>(false);
  std::thread([small_done] {
    for (int i = 0; i < 300 && !*small_done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!*small_done) {
      std::fprintf(
          stderr,
          "deadlock: a snapshot holder could not write during map growth\n");
      std::abort();
    }
  }).detach();
  BOOST_TEST(PutString(*env, db, "small", "v").ok());
  *small_done = true;
  BOOST_TEST(!big_done);  // still waiting for the snapshot
  snapshot.reset();
  grower.join();
  BOOST_TEST(big_done);
  BOOST_TEST(GetString(*env, db, "small") == "v");
  BOOST_TEST(GetString(*env, db, "big3999") == std::string(1000, 'v'));
}

BOOST_AUTO_TEST_CASE(growth_stops_at_the_configured_maximum) {
  TempDir dir;
  EnvOptions o = Options(dir.path(), size_t{1} << 20);
  o.max_map_size = size_t{2} << 20;
  auto env = OpenOrDie(o);
  Db db = *env->Database("entries");
  Status s = env->Update([&](WriteTxn& txn) -> Status {
    for (int i = 0; i < 8000; ++i) {
      IMEISYNC_RETURN_IF_ERROR(txn.Put(db, AsBytes("k" + std::to_string(i)),
                                       AsBytes(std::string(1000, 'v'))));
    }
    return Status::Ok();
  });
  BOOST_TEST(s.code() == StatusCode::kResourceExhausted);
  BOOST_TEST(s.message().find("limit of 2097152 bytes") != std::string::npos);
  BOOST_TEST(GetString(*env, db, "k0") == "<NOT_FOUND>");
}

// A process that dies inside a write transaction leaves the last committed
// state: nothing of the open transaction, everything of the earlier one.
BOOST_AUTO_TEST_CASE(a_crash_mid_transaction_loses_only_that_transaction) {
  TempDir dir;
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    auto env = Env::Open(Options(dir.path()));
    if (!env.ok()) ::_exit(3);
    Db db = *(*env)->Database("entries");
    Status s = (*env)->Update([&](WriteTxn& txn) {
      return txn.Put(db, AsBytes("committed"), AsBytes("yes"));
    });
    if (!s.ok()) ::_exit(4);
    (void)(*env)->Update([&](WriteTxn& txn) -> Status {
      for (int i = 0; i < 1000; ++i) {
        (void)txn.Put(db, AsBytes("torn" + std::to_string(i)), AsBytes("x"));
      }
      ::_exit(0);  // die with the transaction open
    });
    ::_exit(5);
  }
  int wstatus = 0;
  BOOST_REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(wstatus));
  BOOST_REQUIRE_EQUAL(WEXITSTATUS(wstatus), 0);

  auto env = OpenOrDie(Options(dir.path()));
  Db db = *env->Database("entries");
  BOOST_TEST(GetString(*env, db, "committed") == "yes");
  BOOST_TEST(GetString(*env, db, "torn0") == "<NOT_FOUND>");
  BOOST_TEST(env->Stats()->entries == 2u);  // the two named databases
  auto txn = *env->BeginRead();
  auto cursor = *txn.NewCursor(db);
  int count = 0;
  for (cursor.SeekToFirst(); cursor.Valid(); cursor.Next()) ++count;
  BOOST_TEST(count == 1);
}

BOOST_AUTO_TEST_CASE(a_corrupt_data_file_is_data_loss_naming_the_path) {
  TempDir dir;
  {
    std::ofstream junk(dir.File("data.mdb"), std::ios::binary);
    junk << std::string(8192, '\x5a');
  }
  auto env = Env::Open(Options(dir.path()));
  BOOST_TEST(env.status().code() == StatusCode::kDataLoss);
  BOOST_TEST(env.status().message().find(dir.path()) != std::string::npos);
  // The failed open does not leave the directory marked as open.
  BOOST_TEST(Env::Open(Options(dir.path())).status().code() ==
             StatusCode::kDataLoss);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::store
