// The exporter's records in LMDB (docs/formats.md "Export logs"): per
// link, a cursor per domestic origin, a record per blocking origin of each
// exported (device, reason), and the definition the log was derived under;
// and the step that reads domestic entries into an export log. Internal to
// node/core: the Exporter (exporter.h) is the only user.
#ifndef IMEISYNC_NODE_CORE_EXPORT_RECORDS_H_
#define IMEISYNC_NODE_CORE_EXPORT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/entry.h"
#include "node/federation/bundle.h"
#include "node/replication/origin_logs.h"
#include "node/store/txn.h"

namespace imeisync::node::core {

// export_cursors: len(1) link len(1) origin -> entries read (8 bytes BE).
Bytes CursorKey(std::string_view link, std::string_view origin);

// The definition an export log was derived under: its reasons (as a bit
// mask) and how many (device, reason) pairs it exports now.
struct Definition {
  uint8_t mask = 0;
  uint64_t exported = 0;
};
Result<std::optional<Definition>> ReadDefinition(const store::Txn& txn,
                                                 store::Db cursors,
                                                 std::string_view link);
Status WriteDefinition(store::WriteTxn& txn, store::Db cursors,
                       std::string_view link, const Definition& def);
// The stored definition of `link`, or a new one; FailedPrecondition if the
// link's export_reasons are not those its log was derived under.
Result<Definition> CheckDefinition(const store::Txn& txn, store::Db cursors,
                                   const federation::Link& link);

// Reads up to `max_entries` unread entries of the domestic, unfrozen
// origins of `b` for `link`, appends to `emitted` the export entries they
// cause, and advances their cursors. Returns how many entries were read.
Result<uint64_t> ReadDomestic(store::WriteTxn& txn,
                              const replication::OriginLogs& logs,
                              const federation::Bundle& b,
                              const federation::Link& link, store::Db cursors,
                              store::Db blocks, uint64_t max_entries,
                              std::vector<Entry>& emitted);

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_EXPORT_RECORDS_H_
