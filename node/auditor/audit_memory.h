// What an auditor remembers between runs of `imeisync audit`, in its state
// directory: per origin, the largest checkpoint it verified (the signed
// note, verbatim) and the last checkpoint it cosigned as a witness. A new
// run checks every checkpoint it fetches against this memory, so a node
// cannot roll an origin back or fork it between two audits unnoticed.
//
// File DIR/audit-state.json (docs/audit.md "The auditor's state"):
//   { "version": 1, "federation": "<id>",
//     "origins": { "<origin>": { "note": "<signed note>",
//                                "cosigned_size": <n>,
//                                "cosigned_root": "<base64>",
//                                "cosigned_at": <POSIX s> } } }
// Written whole to a temporary file, fsynced and renamed: a crash leaves
// the old state or the new one. A lock file (DIR/audit.lock, flock) keeps
// two audits from sharing one directory.
#ifndef IMEISYNC_NODE_AUDITOR_AUDIT_MEMORY_H_
#define IMEISYNC_NODE_AUDITOR_AUDIT_MEMORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/status.h"
#include "node/replication/witness.h"

namespace imeisync::node::auditor {

struct RememberedOrigin {
  std::string note;  // the largest verified checkpoint, signed note
  std::optional<replication::CosignedHead> cosigned;  // what we last cosigned
  friend bool operator==(const RememberedOrigin&,
                         const RememberedOrigin&) = default;
};

struct AuditMemory {
  std::string federation;
  std::map<std::string, RememberedOrigin> origins;
  friend bool operator==(const AuditMemory&, const AuditMemory&) = default;
};

// Holds the directory's lock for as long as it lives.
class AuditDir {
 public:
  // Creates `dir` (mode 0700) if absent and locks it. FailedPrecondition if
  // another audit holds the lock.
  static Result<AuditDir> Open(const std::string& dir);
  ~AuditDir();
  AuditDir(AuditDir&& other) noexcept;
  AuditDir& operator=(AuditDir&&) = delete;

  // The stored memory; empty (for `federation`) on a first run.
  // InvalidArgument naming the file and field for a malformed file or one
  // of another federation.
  Result<AuditMemory> Load(const std::string& federation) const;
  // Replaces the stored memory atomically.
  Status Save(const AuditMemory& memory) const;

  const std::string& path() const { return dir_; }
  std::string StateFile() const { return dir_ + "/audit-state.json"; }

 private:
  AuditDir(std::string dir, int fd) : dir_(std::move(dir)), lock_fd_(fd) {}
  std::string dir_;
  int lock_fd_ = -1;
};

// The JSON text of `memory`, and its strict inverse (errors name `where`
// and the field).
std::string FormatAuditMemory(const AuditMemory& memory);
Result<AuditMemory> ParseAuditMemory(std::string_view text,
                                     const std::string& where);

}  // namespace imeisync::node::auditor

#endif  // IMEISYNC_NODE_AUDITOR_AUDIT_MEMORY_H_
