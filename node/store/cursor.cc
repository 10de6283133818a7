#include "node/store/cursor.h"

#include <cassert>

#include "node/store/lmdb_error.h"

namespace imeisync::node::store {

void Cursor::Move(MDB_cursor_op op, const MDB_val* target) {
  if (target != nullptr) key_ = *target;
  int rc = mdb_cursor_get(cursor_.get(), &key_, &value_, op);
  valid_ = rc == 0;
  status_ = rc == 0 || rc == MDB_NOTFOUND ? Status::Ok()
                                          : LmdbStatus(rc, "cursor move");
}

void Cursor::SeekToFirst() { Move(MDB_FIRST, nullptr); }
void Cursor::SeekToLast() { Move(MDB_LAST, nullptr); }

void Cursor::Seek(ByteView target) {
  MDB_val k{target.size(), const_cast<uint8_t*>(target.data())};
  Move(MDB_SET_RANGE, &k);
}

void Cursor::Next() {
  assert(valid_);
  Move(MDB_NEXT, nullptr);
}

void Cursor::Prev() {
  assert(valid_);
  Move(MDB_PREV, nullptr);
}

ByteView Cursor::key() const {
  assert(valid_);
  return {static_cast<const uint8_t*>(key_.mv_data), key_.mv_size};
}

ByteView Cursor::value() const {
  assert(valid_);
  return {static_cast<const uint8_t*>(value_.mv_data), value_.mv_size};
}

}  // namespace imeisync::node::store
