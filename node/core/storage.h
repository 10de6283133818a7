// The storage a node's parts share: its one LMDB environment and the
// typed views over it (docs/design.md "Storage engine"). Each part of a
// node (node.h) is given this, or only the views it uses; nothing reaches
// through the node for it.
//
// Threads: the views are immutable handles; transactions come from `env`
// (one writer at a time, readers on MVCC snapshots).
#ifndef IMEISYNC_NODE_CORE_STORAGE_H_
#define IMEISYNC_NODE_CORE_STORAGE_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "node/replication/origin_logs.h"
#include "node/replication/witness.h"
#include "node/state/state_fold.h"
#include "node/store/env.h"

namespace imeisync::node::core {

class Storage {
 public:
  // Opens (creating if absent) the environment at `data_dir` with every
  // database a node uses. Errors from store::Env::Open name the path.
  static Result<std::unique_ptr<Storage>> Open(const std::string& data_dir);

  store::Env& env() { return *env_; }
  const replication::OriginLogs& logs() const { return logs_; }
  const state::StateFold& fold() const { return fold_; }
  const replication::Witness& witness() const { return witness_; }

 private:
  Storage(std::unique_ptr<store::Env> env, replication::OriginLogs logs,
          state::StateFold fold, replication::Witness witness)
      : env_(std::move(env)), logs_(logs), fold_(fold), witness_(witness) {}

  std::unique_ptr<store::Env> env_;
  const replication::OriginLogs logs_;
  const state::StateFold fold_;
  const replication::Witness witness_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_STORAGE_H_
