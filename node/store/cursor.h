// Ordered iteration over one named database inside a transaction.
#ifndef IMEISYNC_NODE_STORE_CURSOR_H_
#define IMEISYNC_NODE_STORE_CURSOR_H_

#include <lmdb.h>

#include <memory>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync::node::store {

// Keys are visited in lexicographic byte order. A cursor is positioned on an
// entry (Valid()) or not; moving past either end, or an error, leaves it not
// Valid(), and status() then tells which.
//
// The cursor, and every key() and value() view it returns, is valid only
// until its transaction ends; in a write transaction, views also die at the
// next Put or Delete.
class Cursor {
 public:
  Cursor(Cursor&&) = default;
  Cursor& operator=(Cursor&&) = default;

  void SeekToFirst();
  void SeekToLast();
  // Positions at the first key >= `target`.
  void Seek(ByteView target);
  // REQUIRES: Valid().
  void Next();
  // REQUIRES: Valid().
  void Prev();

  bool Valid() const { return valid_; }
  // REQUIRES: Valid().
  ByteView key() const;
  // REQUIRES: Valid().
  ByteView value() const;
  // OK unless a move failed (DataLoss on a corrupt page, for example).
  const Status& status() const { return status_; }

 private:
  friend class Txn;
  explicit Cursor(MDB_cursor* cursor) : cursor_(cursor) {}
  void Move(MDB_cursor_op op, const MDB_val* target);

  struct CloseCursor {
    void operator()(MDB_cursor* c) const { mdb_cursor_close(c); }
  };
  std::unique_ptr<MDB_cursor, CloseCursor> cursor_;
  MDB_val key_{};
  MDB_val value_{};
  bool valid_ = false;
  Status status_;
};

}  // namespace imeisync::node::store

#endif  // IMEISYNC_NODE_STORE_CURSOR_H_
