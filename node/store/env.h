// The node's one LMDB environment: a directory with named databases.
//
// Caveats that bite (from lmdb.h, enforced or handled here):
// - Open each environment once per process. Open() refuses a second Env on
//   the same directory with FailedPrecondition.
// - The map has a fixed size. Update() grows it when a write finds it full,
//   so callers never see MDB_MAP_FULL; growing waits until no transaction is
//   open in this process.
// - Commits are synchronous (no MDB_NOSYNC): once Update() returns OK the
//   change survives a crash or power loss; a crash before that leaves the
//   last committed state, never part of a transaction.
#ifndef IMEISYNC_NODE_STORE_ENV_H_
#define IMEISYNC_NODE_STORE_ENV_H_

#include <lmdb.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "node/store/txn.h"

namespace imeisync::node::store {

struct EnvOptions {
  // Directory holding data.mdb and lock.mdb; created with mode 0700 if absent.
  std::string path;
  // Named databases to create (if absent) and open. At most 64.
  std::vector<std::string> databases;
  // Map size to start with, in bytes. The file grows only as data is
  // written; the map is address space, not disk.
  size_t initial_map_size = size_t{1} << 30;
  // Update() doubles the map up to this size, then fails with
  // ResourceExhausted.
  size_t max_map_size = size_t{1} << 40;
  // Concurrent read transactions allowed across all processes.
  unsigned max_readers = 126;
};

struct EnvStats {
  size_t map_size;    // bytes of address space reserved
  size_t used_bytes;  // bytes of the map in use (last page + 1) * page size
  size_t entries;     // entries in the main database (one per named db)
};

class Env {
 public:
  // Opens (creating if needed) the environment in options.path and every
  // database in options.databases. Errors name the path: PermissionDenied,
  // DataLoss for a file that is not an LMDB environment or is corrupt,
  // FailedPrecondition if this process already has it open.
  static Result<std::unique_ptr<Env>> Open(const EnvOptions& options);

  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  // REQUIRES: no transaction of this Env is open.
  ~Env();

  // The database called `name`; NotFound unless it was in options.databases.
  Result<Db> Database(const std::string& name) const;

  // Begins a read snapshot. ResourceExhausted if max_readers are in use.
  Result<ReadTxn> BeginRead();

  // Runs `fn` in a write transaction; commits if it returns OK, aborts and
  // returns its error otherwise. Write transactions are serialised.
  //
  // If the map fills (in `fn` or at commit), Update() aborts, doubles the
  // map and runs `fn` again from the start, so `fn` must have no effect
  // outside the transaction that is unsafe to repeat.
  // REQUIRES: the calling thread holds no open ReadTxn of this Env when the
  // map must grow; growing would wait for it forever, so Update() returns
  // FailedPrecondition instead.
  Status Update(const std::function<Status(WriteTxn&)>& fn);

  Result<EnvStats> Stats() const;
  const std::string& path() const { return path_; }

 private:
  friend class ReadTxn;
  Env(MDB_env* env, std::string path, dev_t dev, ino_t ino, size_t max_map);

  // Transaction accounting so the map is resized only when no transaction
  // of this process is open.
  void EnterTxn(std::thread::id owner);
  void ExitTxn(std::thread::id owner);
  // Sets the map to `new_size` bytes (0: adopt the size another process set).
  Status Resize(size_t new_size);
  // mdb_txn_begin; the caller handles MDB_MAP_RESIZED.
  int BeginRaw(unsigned flags, MDB_txn** txn);

  MDB_env* env_;
  std::string path_;
  dev_t dev_;
  ino_t ino_;
  size_t max_map_size_;
  std::map<std::string, MDB_dbi> dbs_;  // written only in Open()

  std::mutex write_mu_;  // one Update() at a time in this process

  std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_: open transactions per thread that began them, and
  // whether a resize is waiting for them to end.
  std::map<std::thread::id, int> open_txns_;
  int total_open_txns_ = 0;
  bool resizing_ = false;
};

}  // namespace imeisync::node::store

#endif  // IMEISYNC_NODE_STORE_ENV_H_
