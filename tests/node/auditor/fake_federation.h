// Signed material for auditor tests, made with the project's own crypto: a
// federation "kz" of a ministry, two operators and an auditor with fresh
// Ed25519 keys, their logs in memory, and helpers that sign checkpoints,
// cosignatures and state heads as real nodes do. Nothing here lies; tests
// make lies by signing other things or by setting FakeNode's knobs.
#ifndef IMEISYNC_TESTS_NODE_AUDITOR_FAKE_FEDERATION_H_
#define IMEISYNC_TESTS_NODE_AUDITOR_FAKE_FEDERATION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/checkpoint.h"
#include "crypto/cosignature.h"
#include "crypto/ed25519.h"
#include "node/auditor/audit.h"
#include "node/entry.h"
#include "node/federation/bundle.h"
#include "node/state/state_head.h"
#include "tests/node/auditor/fake_node.h"

namespace imeisync::node::auditor::testing {

inline constexpr char kFederation[] = "kz";
inline constexpr uint64_t kNowS = 1764000000;  // cosignature timestamps

// "imeisync/kz/<id>".
std::string Origin(const std::string& id);

// Entries `first` .. `first + n - 1` of a series that member role `role`
// may issue, on devices named by `salt` and the index: the same arguments
// give the same entries, another salt other devices.
std::vector<Entry> MakeEntries(federation::Role role, const std::string& salt,
                               uint64_t first, size_t n);

class FakeFederation {
 public:
  // Members ministry (ministry), op1 and op2 (operators) and auditor
  // (auditor), each with a fresh key; no member has an endpoint.
  FakeFederation();

  const federation::Bundle& bundle() const { return *bundle_; }
  // The auditor's witness key (member "auditor", key name its origin).
  const crypto::Cosigner& auditor() const { return *auditor_; }
  crypto::NoteVerifier AuditorVerifier() const;

  // The true log of member `id`'s origin; tests grow it with Grow().
  const Log& log(const std::string& id) const { return logs_.at(id); }
  // Appends `n` entries to member `id`'s true log.
  void Grow(const std::string& id, size_t n);

  // The note of `checkpoint`, signed under its origin's key name with
  // member `signer`'s key (the origin's own for an honest checkpoint).
  std::string SignCheckpoint(const std::string& signer,
                             const crypto::Checkpoint& checkpoint) const;
  // The honest note of `origin_id`'s log `log` at its full size.
  std::string SignLog(const std::string& origin_id, const Log& log) const;
  // `note` with member `witness`'s cosignature appended.
  std::string Cosign(const std::string& witness, const std::string& note) const;
  // The note of `head`, signed under `signer`'s origin name with its key.
  std::string SignStateHead(const std::string& signer,
                            const state::StateHead& head) const;

  // The state root an honest node reaches folding `logs` (origin name to
  // log) under the bundle's policy, as core::Node::FoldNew does.
  Hash32 FoldedRoot(const std::map<std::string, Log>& logs) const;

  // A node `id` holding the true logs cut to `sizes` (member id to size;
  // 0 or absent: the origin is not held), serving each one's honest
  // checkpoint at that size and a state head it signed over them.
  std::unique_ptr<FakeNode> Honest(
      const std::string& id, const std::map<std::string, uint64_t>& sizes);
  // The true log of `id` cut to `keep` entries, then grown to `size` with
  // entries on other devices: a fork, if the origin signs both.
  Log Fork(const std::string& id, uint64_t keep, uint64_t size) const;
  // Makes `node` hold `log` as `origin_id`'s log, serve the checkpoint
  // the origin signs for it, and sign its state head anew.
  void Hold(FakeNode& node, const std::string& origin_id, const Log& log) const;
  // Re-signs `node`'s state head over the logs it now holds, with the
  // state root their fold gives (or `root`, to lie about it).
  void SignState(FakeNode& node,
                 std::optional<Hash32> root = std::nullopt) const;

 private:
  crypto::Ed25519PrivateKey KeyOf(const std::string& id) const;

  std::optional<federation::Bundle> bundle_;
  std::map<std::string, Hash32> seeds_;  // private key seeds, by member
  std::map<std::string, Log> logs_;      // by member id
  std::optional<crypto::Cosigner> auditor_;
  mutable std::map<std::string, Hash32> folded_;  // FoldedRoot's cache
};

// Three honest nodes, ministry, op1 and op2, each holding every log in
// full: the ministry's at 3 entries, op1's at 4, op2's at 2.
struct HonestFederation {
  HonestFederation();
  std::vector<FakeNode*> nodes() {
    return {ministry.get(), op1.get(), op2.get()};
  }
  static std::map<std::string, uint64_t> Sizes() {
    return {{"ministry", 3}, {"op1", 4}, {"op2", 2}};
  }

  FakeFederation fed;
  std::unique_ptr<FakeNode> ministry, op1, op2;
  AuditMemory memory;
};

// Runs RunAudit over `nodes` as member "auditor" and REQUIREs it to
// succeed. Options default to cosigning at kNowS + 60.
AuditOptions DefaultOptions();
AuditReport Audit(const FakeFederation& fed, std::vector<FakeNode*> nodes,
                  AuditMemory& memory, AuditOptions options = DefaultOptions());

// The violations of `kind`, in report order.
std::vector<Violation> OfKind(const AuditReport& report,
                              const std::string& kind);
// Every violation, one a line: for failure messages.
std::string Describe(const AuditReport& report);
// The summary of `origin`; REQUIREs there is one.
const OriginSummary& OriginOf(const AuditReport& report,
                              const std::string& origin);
const NodeSummary& NodeOf(const AuditReport& report, const std::string& id);
inline bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace imeisync::node::auditor::testing

#endif  // IMEISYNC_TESTS_NODE_AUDITOR_FAKE_FEDERATION_H_
