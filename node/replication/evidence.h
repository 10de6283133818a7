// Equivocation evidence: two checkpoints signed by one origin that cannot
// both be true, in a form anyone holding the origin's key can check.
#ifndef IMEISYNC_NODE_REPLICATION_EVIDENCE_H_
#define IMEISYNC_NODE_REPLICATION_EVIDENCE_H_

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/note.h"

namespace imeisync::node::replication {

struct Evidence {
  std::string origin;
  std::string first_note;  // signed checkpoint this node had verified (size S1)
  std::string
      second_note;  // signed checkpoint contradicting it (size S2 <= S1)
  // When S2 < S1: the root of the first checkpoint's tree at S2, and the
  // RFC 9162 consistency proof from (S2, prefix_root) to the first
  // checkpoint. prefix_root differs from the second checkpoint's root.
  std::optional<Hash32> prefix_root;
  std::vector<Hash32> proof;

  Bytes Encode() const;
  // DataLoss for a malformed record (it comes from this node's own store).
  static Result<Evidence> Decode(std::string_view origin, ByteView bytes);
};

// OK if `evidence` proves that `origin_key`'s holder signed two
// contradictory checkpoints of `evidence.origin`: both notes verify, both
// name the origin, and either the sizes are equal with different roots, or
// the consistency proof ties prefix_root to the larger checkpoint while the
// smaller one signed a different root. InvalidArgument saying which part
// fails otherwise.
Status CheckEvidence(const Evidence& evidence,
                     const crypto::NoteVerifier& origin_key);

}  // namespace imeisync::node::replication

#endif  // IMEISYNC_NODE_REPLICATION_EVIDENCE_H_
