// Mapping of LMDB return codes onto Status.
#ifndef IMEISYNC_NODE_STORE_LMDB_ERROR_H_
#define IMEISYNC_NODE_STORE_LMDB_ERROR_H_

#include <string_view>

#include "base/status.h"

namespace imeisync::node::store {

// OK for rc == 0. Otherwise "<what>: <mdb_strerror>" with the code:
//   MDB_NOTFOUND                                  NotFound
//   MDB_CORRUPTED, PAGE_NOTFOUND, INVALID,
//     VERSION_MISMATCH                            DataLoss
//   MDB_MAP_FULL, TXN_FULL, READERS_FULL,
//     DBS_FULL, ENOSPC                            ResourceExhausted
//   MDB_BAD_VALSIZE                               InvalidArgument
//   EACCES, EPERM, EROFS                          PermissionDenied
//   anything else                                 Internal
Status LmdbStatus(int rc, std::string_view what);

}  // namespace imeisync::node::store

#endif  // IMEISYNC_NODE_STORE_LMDB_ERROR_H_
