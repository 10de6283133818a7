// Whole-file reads and crash-safe whole-file writes.
#ifndef IMEISYNC_BASE_FILE_UTIL_H_
#define IMEISYNC_BASE_FILE_UTIL_H_

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "base/bytes.h"
#include "base/status.h"

namespace imeisync {

// Reads the whole file at `path`.
// Returns NotFound if it does not exist, PermissionDenied if it cannot be
// opened for reading, InvalidArgument if it is larger than `max_bytes`
// (a guard against pointing a small-file reader at a huge file).
Result<std::string> ReadFile(const std::string& path, size_t max_bytes);

enum class Overwrite { kNo, kYes };

// Writes `contents` to `path` so that after a crash the path holds either
// the old file (or nothing) or the whole new one, never a part: it writes a
// temporary file created with `mode` in the same directory, fsyncs it, moves
// it into place and fsyncs the directory.
// With Overwrite::kNo an existing `path` gives AlreadyExists and is left
// untouched. Other failures give PermissionDenied or Internal with the path.
Status WriteFileAtomic(const std::string& path, ByteView contents, mode_t mode,
                       Overwrite overwrite);

// Returns the permission bits (e.g. 0600) of `path`, or NotFound.
Result<mode_t> FileMode(const std::string& path);

}  // namespace imeisync

#endif  // IMEISYNC_BASE_FILE_UTIL_H_
