// Transactions over an Env: MVCC read snapshots and the single writer.
#ifndef IMEISYNC_NODE_STORE_TXN_H_
#define IMEISYNC_NODE_STORE_TXN_H_

#include <lmdb.h>

#include <cstdint>
#include <thread>

#include "base/bytes.h"
#include "base/status.h"
#include "node/store/cursor.h"

namespace imeisync::node::store {

class Env;

// A named database inside an Env. A plain handle, valid as long as its Env.
class Db {
 public:
  Db() = default;

 private:
  friend class Env;
  friend class Txn;
  friend class WriteTxn;
  explicit Db(MDB_dbi dbi) : dbi_(dbi) {}
  MDB_dbi dbi_ = 0;
};

// What reads can do; the base of ReadTxn and WriteTxn.
class Txn {
 public:
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // Returns the value stored under `key`, or NotFound. The view is valid
  // only until the transaction ends, and in a write transaction only until
  // the next Put or Delete.
  Result<ByteView> Get(Db db, ByteView key) const;

  // A cursor over `db`, not yet positioned. It must be destroyed before the
  // transaction ends.
  Result<Cursor> NewCursor(Db db) const;

  // The number of records in `db` (mdb_stat; O(1)).
  Result<uint64_t> Count(Db db) const;

 protected:
  Txn(Env* env, MDB_txn* txn) : env_(env), txn_(txn) {}
  ~Txn() = default;
  Env* env_;
  MDB_txn* txn_;
};

// A consistent snapshot: it sees the database as of its start, whatever
// writers commit meanwhile. It aborts (releases the snapshot) when
// destroyed. It must end on the thread that began it: Env counts open
// transactions per thread so that growing the map never waits on the
// growing thread's own snapshot.
//
// A long-lived ReadTxn pins old pages (the file cannot reuse them) and
// delays map growth until it ends; hold one per request, not per process.
class ReadTxn : public Txn {
 public:
  ReadTxn(ReadTxn&& other) noexcept;
  ReadTxn& operator=(ReadTxn&&) = delete;
  ~ReadTxn();

 private:
  friend class Env;
  ReadTxn(Env* env, MDB_txn* txn, std::thread::id owner)
      : Txn(env, txn), owner_(owner) {}
  std::thread::id owner_;  // the thread that began it, for Env's accounting
};

// The write transaction handed to Env::Update(). It exists only inside the
// callback; Update() commits or aborts it.
class WriteTxn : public Txn {
 public:
  // Stores `value` under `key`, replacing any previous value.
  // InvalidArgument if the key is empty or longer than 511 bytes;
  // ResourceExhausted if the map is full (Update() then grows it and retries).
  Status Put(Db db, ByteView key, ByteView value);
  // Like Put(), but AlreadyExists if `key` is present (nothing changes).
  Status Insert(Db db, ByteView key, ByteView value);
  // Like Put() for a key greater than every key in `db` (MDB_APPEND): no
  // search, and pages fill completely. InvalidArgument if the key is not
  // the greatest.
  Status Append(Db db, ByteView key, ByteView value);
  // Removes `key`. OK whether or not it was present.
  Status Delete(Db db, ByteView key);

 private:
  friend class Env;
  WriteTxn(Env* env, MDB_txn* txn) : Txn(env, txn) {}
  Status PutWithFlags(Db db, ByteView key, ByteView value, unsigned flags);
  Status Check(int rc, const char* what);

  bool map_full_ = false;  // a write hit MDB_MAP_FULL; the txn is unusable
};

}  // namespace imeisync::node::store

#endif  // IMEISYNC_NODE_STORE_TXN_H_
