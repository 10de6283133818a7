// How an origin signs its own log: one function for a node's own log and
// for the export logs a ministry keeps (docs/design.md "Replication").
#ifndef IMEISYNC_NODE_REPLICATION_CHECKPOINT_SIGNING_H_
#define IMEISYNC_NODE_REPLICATION_CHECKPOINT_SIGNING_H_

#include <optional>
#include <string>

#include "base/status.h"
#include "crypto/note.h"
#include "node/replication/origin_logs.h"
#include "node/store/env.h"

namespace imeisync::node::replication {

// Signs a C2SP checkpoint of the log named `signer.name()` and records it
// (OriginLogs::RecordCheckpoint), in one write transaction of `env`, if the
// log holds more entries than its last signed checkpoint. Returns the
// signed note, or nullopt when there was nothing new to sign (no write
// transaction is opened then). Costs one Ed25519 signature.
// REQUIRES: the caller serialises calls for one origin.
Result<std::optional<std::string>> SignNewCheckpoint(
    store::Env& env, const OriginLogs& logs, const crypto::NoteSigner& signer);

}  // namespace imeisync::node::replication

#endif  // IMEISYNC_NODE_REPLICATION_CHECKPOINT_SIGNING_H_
