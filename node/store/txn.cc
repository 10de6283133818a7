#include "node/store/txn.h"

#include "node/store/env.h"
#include "node/store/lmdb_error.h"

namespace imeisync::node::store {
namespace {

MDB_val Val(ByteView b) { return {b.size(), const_cast<uint8_t*>(b.data())}; }

}  // namespace

Result<ByteView> Txn::Get(Db db, ByteView key) const {
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn_, db.dbi_, &k, &v);
  if (rc != 0) return LmdbStatus(rc, "get");
  return ByteView(static_cast<const uint8_t*>(v.mv_data), v.mv_size);
}

Result<Cursor> Txn::NewCursor(Db db) const {
  MDB_cursor* c = nullptr;
  int rc = mdb_cursor_open(txn_, db.dbi_, &c);
  if (rc != 0) return LmdbStatus(rc, "open cursor");
  return Cursor(c);
}

Result<uint64_t> Txn::Count(Db db) const {
  MDB_stat stat;
  int rc = mdb_stat(txn_, db.dbi_, &stat);
  if (rc != 0) return LmdbStatus(rc, "stat");
  return uint64_t{stat.ms_entries};
}

ReadTxn::ReadTxn(ReadTxn&& other) noexcept
    : Txn(other.env_, other.txn_), owner_(other.owner_) {
  other.txn_ = nullptr;
}

ReadTxn::~ReadTxn() {
  if (txn_ == nullptr) return;
  mdb_txn_abort(txn_);
  env_->ExitTxn(owner_);
}

Status WriteTxn::Check(int rc, const char* what) {
  if (rc == MDB_MAP_FULL) map_full_ = true;
  return LmdbStatus(rc, what);
}

Status WriteTxn::PutWithFlags(Db db, ByteView key, ByteView value,
                              unsigned flags) {
  if (key.empty()) return InvalidArgument("put: empty key");
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_put(txn_, db.dbi_, &k, &v, flags);
  if (rc == MDB_KEYEXIST) return AlreadyExists("insert: key already present");
  return Check(rc, "put");
}

Status WriteTxn::Put(Db db, ByteView key, ByteView value) {
  return PutWithFlags(db, key, value, 0);
}

Status WriteTxn::Insert(Db db, ByteView key, ByteView value) {
  return PutWithFlags(db, key, value, MDB_NOOVERWRITE);
}

Status WriteTxn::Append(Db db, ByteView key, ByteView value) {
  Status s = PutWithFlags(db, key, value, MDB_APPEND);
  if (s.code() == StatusCode::kAlreadyExists) {
    return InvalidArgument(
        "append: key is not greater than every key in the database");
  }
  return s;
}

Status WriteTxn::Delete(Db db, ByteView key) {
  MDB_val k = Val(key);
  int rc = mdb_del(txn_, db.dbi_, &k, nullptr);
  if (rc == MDB_NOTFOUND) return Status::Ok();
  return Check(rc, "delete");
}

}  // namespace imeisync::node::store
