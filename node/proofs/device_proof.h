// A device proof: everything an auditor needs to check, offline and with
// only the federation bundle, what one node's state says about one device
// tag (docs/audit.md "Device proofs").
//
// It holds the node's signed state head and, for every origin of its
// frontier and every register slot (reason x kind) a device can have
// there, the state-tree proof of that slot's key: an inclusion proof with
// the register and the RFC 9162 inclusion proof of its entry in the
// origin's log, or a non-inclusion proof. Each origin's latest signed
// checkpoint, with its witness cosignatures, and a consistency proof from
// it to the state head's frontier tie the logs to the origins' keys.
//
// The JSON form (EncodeDeviceProof) is a document of one object:
//   hashes, entries and state proofs are lowercase hex; signed notes are
//   JSON strings holding the note verbatim. docs/audit.md gives the layout.
// DecodeDeviceProof is strict: unknown or missing fields, wrong types,
// upper-case hex and non-canonical names are InvalidArgument naming the
// field ("origins[1].slots[3].register.index").
#ifndef IMEISYNC_NODE_PROOFS_DEVICE_PROOF_H_
#define IMEISYNC_NODE_PROOFS_DEVICE_PROOF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "node/entry.h"
#include "node/merkle/state_proof.h"
#include "node/verdict/verdict.h"

namespace imeisync::node::proofs {

inline constexpr std::string_view kDeviceProofFormat =
    "imeisync-device-proof/v1";

// The two kinds of register (state_fold.h): statements (BLOCK, CLEAR,
// REGISTER, DEREGISTER) and overrides (ALLOW).
enum class RegisterKind : uint8_t { kStatement = 0, kOverride = 1 };

std::string_view KindName(RegisterKind kind);  // "statement", "override"
RegisterKind KindOf(Action action);
// An action of `kind`, for RegisterKey(): BLOCK or ALLOW.
Action ActionOfKind(RegisterKind kind);

// Slots per origin: every Reason value (1..8) times both kinds, in the
// order (STOLEN, statement), (STOLEN, override), (LOST, statement), ...
inline constexpr size_t kReasonCount = 8;
inline constexpr size_t kSlotsPerOrigin = 2 * kReasonCount;
Reason SlotReason(size_t slot);  // REQUIRES: slot < kSlotsPerOrigin
RegisterKind SlotKind(size_t slot);

// A register the state tree holds, as the proof gives it.
struct ProvenRegister {
  uint64_t index = 0;  // the entry's position in the origin's log
  Entry entry;
  // RFC 9162 inclusion proof of leaf `index` in the origin's checkpoint.
  std::vector<Hash32> inclusion;
  friend bool operator==(const ProvenRegister&,
                         const ProvenRegister&) = default;
};

struct SlotProof {
  Reason reason = Reason::kStolen;
  RegisterKind kind = RegisterKind::kStatement;
  // Of RegisterKey(tag, origin, reason, kind) against the state root.
  merkle::StateProof state_proof;
  std::optional<ProvenRegister> reg;  // iff the state proof shows the key
};

struct OriginProof {
  std::string origin;  // "imeisync/<federation>/<node>"
  // The latest signed checkpoint the node holds, verbatim (origin signature
  // and witness cosignatures); "" if it holds none yet.
  std::string checkpoint;
  // RFC 9162 consistency proof from the checkpoint's size to the state
  // head's size for this origin; empty when they are equal.
  std::vector<Hash32> consistency;
  std::vector<SlotProof> slots;  // kSlotsPerOrigin, in slot order
};

struct DeviceProof {
  Hash32 tag{};
  uint64_t bundle_version = 0;       // the bundle the node built it under
  std::string state_head;            // the signed state-head note, verbatim
  std::vector<OriginProof> origins;  // the state head's frontier, in order
  // What the node claims the proof shows; the verifier recomputes it.
  verdict::Verdict verdict = verdict::Verdict::kWhitelisted;
  verdict::Rule rule = verdict::Rule::kNothingAgainst;
};

// Compact JSON (no whitespace outside strings, no trailing newline).
std::string EncodeDeviceProof(const DeviceProof& proof);

// Strict inverse of EncodeDeviceProof; any JSON whitespace is accepted.
// InvalidArgument naming the field, or the byte offset of a JSON syntax
// error. Decoding checks forms only; VerifyDeviceProof checks meaning.
Result<DeviceProof> DecodeDeviceProof(std::string_view json);

}  // namespace imeisync::node::proofs

#endif  // IMEISYNC_NODE_PROOFS_DEVICE_PROOF_H_
