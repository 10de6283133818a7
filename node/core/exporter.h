// The export logs of a ministry member (docs/links.md "Export logs"): for
// each [[link]] whose exporter is this node, a log of its own,
// "imeisync/<federation>/<node>/export/<link>", signed with this node's
// key and served only to the link's foreign member.
//
// The export log is derived from the domestic logs alone. The exported set
// of a link is every (tag, reason) for which at least one domestic member's
// log (not a foreign member's) has an active BLOCK for one of the reasons
// the link exports. Each change of that set is one entry, in the order the
// exporter reads the domestic logs:
//   - a (tag, reason) entering the set: BLOCK reason tag, with the time of
//     the entry that made it enter and that entry's origin as source;
//   - a (tag, reason) leaving it (its last block cleared, by CLEAR,
//     REGISTER or DEREGISTER): CLEAR reason tag, with that entry's time and
//     origin.
// Only entries the bundle's policy allows are read, as the fold does. ALLOW
// overrides and the registry never reach an export log.
//
// The exporter keeps, per link, a cursor (origin -> entries read) and the
// blocks behind the set, and advances both with the export log in one
// write transaction: a crash loses nothing and exports nothing twice. A
// link added to the bundle starts from every domestic log's first entry.
// Threads: a background thread runs Step() and signs checkpoints while
// entries arrive; Exports() may be called from any thread.
#ifndef IMEISYNC_NODE_CORE_EXPORTER_H_
#define IMEISYNC_NODE_CORE_EXPORTER_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "node/core/node.h"
#include "node/core/wakeup.h"

namespace imeisync::node::core {

inline constexpr std::array<const char*, 2> kExporterDatabases = {
    "export_cursors", "export_blocks"};

// One export log as the exporter sees it.
struct ExportStatus {
  std::string link;          // the foreign member
  std::string origin;        // the export log's origin name
  uint64_t size = 0;         // entries in the export log
  uint64_t signed_size = 0;  // entries its latest checkpoint covers
  // Domestic entries not yet read into it: the export's lag, in entries.
  uint64_t pending = 0;
  uint64_t exported = 0;  // (tag, reason) pairs in the exported set now
  std::string error;      // why the last step of this link failed; "" if not
};

class Exporter {
 public:
  // `on_signed` runs on the exporter's thread with each new signed note
  // (the daemon announces it to the link's member).
  Exporter(Node& node, std::chrono::milliseconds interval,
           std::function<void(const std::string& note)> on_signed);
  ~Exporter();  // Stop()s
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  void Start();
  void Stop();  // idempotent
  // Domestic entries were applied: export them soon.
  void Notify();

  // Reads up to `max_entries` unread domestic entries per link into the
  // export logs, one write transaction per link. Returns how many entries
  // were read; 0 when every export log is current. A link that fails does
  // not hold the others back: its error is in Exports(), and returned
  // when no other link made progress. FailedPrecondition, exporting
  // nothing for the link, when its export_reasons are not those its log
  // was derived under (bundle.h CheckSuccessor refuses such a change).
  Result<uint64_t> Step(uint64_t max_entries);
  // Signs a checkpoint of every export log that grew since its last one.
  // Returns the new notes.
  Result<std::vector<std::string>> SignCheckpoints();
  // Every link this node exports for, in link order.
  Result<std::vector<ExportStatus>> Exports();

 private:
  void Run();

  Node& node_;
  const std::chrono::milliseconds interval_;
  const std::function<void(const std::string&)> on_signed_;
  std::mutex sign_mu_;  // one SignCheckpoints() at a time
  // Export origin -> its signer, the node's key held in memory; guarded by
  // sign_mu_.
  std::map<std::string, crypto::NoteSigner> signers_;
  std::mutex errors_mu_;
  std::map<std::string, std::string> errors_;  // link -> last step error

  Wakeup wakeup_{true};  // the first round runs at once
  std::thread thread_;
};

}  // namespace imeisync::node::core

#endif  // IMEISYNC_NODE_CORE_EXPORTER_H_
