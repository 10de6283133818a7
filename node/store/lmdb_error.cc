#include "node/store/lmdb_error.h"

#include <lmdb.h>

#include <cerrno>
#include <string>

namespace imeisync::node::store {

Status LmdbStatus(int rc, std::string_view what) {
  if (rc == 0) return Status::Ok();
  std::string msg(what);
  msg += ": ";
  msg += mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND:
      return NotFound(std::move(msg));
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
      return DataLoss(std::move(msg));
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_READERS_FULL:
    case MDB_DBS_FULL:
    case ENOSPC:
      return ResourceExhausted(std::move(msg));
    case MDB_BAD_VALSIZE:
      return InvalidArgument(std::move(msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDenied(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

}  // namespace imeisync::node::store
