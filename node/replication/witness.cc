#include "node/replication/witness.h"

#include <algorithm>

#include "base/big_endian.h"
#include "node/merkle/log_proof.h"
#include "node/replication/origin_prefix.h"

namespace imeisync::node::replication {
namespace {

constexpr size_t kStateBytes = 8 + 32 + 8;

const WitnessKey* FindKey(std::span<const WitnessKey> keys,
                          const crypto::NoteSignature& sig) {
  for (const WitnessKey& k : keys) {
    if (k.verifier.Matches(sig)) return &k;
  }
  return nullptr;
}

bool Holds(const crypto::Note& note, const crypto::NoteSignature& sig) {
  return std::any_of(note.signatures.begin(), note.signatures.end(),
                     [&](const crypto::NoteSignature& s) {
                       return s.key_name == sig.key_name &&
                              s.key_id == sig.key_id;
                     });
}

}  // namespace

Result<std::vector<std::string>> VerifiedWitnesses(
    const crypto::Note& note, std::span<const WitnessKey> keys,
    std::string_view origin_member) {
  std::vector<std::string> out;
  for (const crypto::NoteSignature& sig : note.signatures) {
    const WitnessKey* key = FindKey(keys, sig);
    if (key == nullptr || key->member == origin_member) continue;
    auto verified = crypto::VerifyCosignature(note.text, sig, key->verifier);
    if (!verified.ok()) {
      return InvalidArgument("cosignature of witness " + key->member + ": " +
                             verified.status().message());
    }
    if (std::find(out.begin(), out.end(), key->member) == out.end()) {
      out.push_back(key->member);
    }
  }
  return out;
}

Result<std::optional<std::string>> MergeCosignatures(
    std::string_view stored, std::string_view incoming,
    std::span<const WitnessKey> keys) {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note ours, crypto::ParseNote(stored));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note theirs, crypto::ParseNote(incoming));
  if (ours.text != theirs.text) {
    return InvalidArgument(
        "cannot merge cosignatures of two different checkpoint texts");
  }
  bool added = false;
  for (const crypto::NoteSignature& sig : theirs.signatures) {
    if (Holds(ours, sig)) continue;
    const WitnessKey* key = FindKey(keys, sig);
    if (key == nullptr) continue;
    if (!crypto::VerifyCosignature(ours.text, sig, key->verifier).ok()) {
      continue;
    }
    if (ours.signatures.size() >= crypto::kMaxNoteSignatures) break;
    ours.signatures.push_back(sig);
    added = true;
  }
  if (!added) return std::optional<std::string>();
  return std::optional<std::string>(crypto::FormatNote(ours));
}

Result<Witness> Witness::Open(const store::Env& env) {
  IMEISYNC_ASSIGN_OR_RETURN(store::Db state,
                            env.Database(kWitnessDatabases[0]));
  IMEISYNC_ASSIGN_OR_RETURN(store::Db witnessed,
                            env.Database(kWitnessDatabases[1]));
  return Witness(state, witnessed);
}

Result<std::optional<CosignedHead>> Witness::Last(
    const store::Txn& txn, std::string_view origin) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes key, OriginPrefix(origin));
  auto v = txn.Get(state_, key);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) {
      return std::optional<CosignedHead>();
    }
    return v.status();
  }
  if (v->size() != kStateBytes) {
    return DataLoss("witness state of " + std::string(origin) + " is " +
                    std::to_string(v->size()) + " bytes, expected " +
                    std::to_string(kStateBytes));
  }
  CosignedHead head;
  head.size = LoadU64(v->subspan(0, 8));
  std::copy_n(v->begin() + 8, 32, head.root.begin());
  head.timestamp = LoadU64(v->subspan(40, 8));
  return std::optional<CosignedHead>(head);
}

Result<crypto::NoteSignature> Witness::Cosign(
    store::WriteTxn& txn, const OriginLogs& logs,
    const crypto::Checkpoint& checkpoint, const crypto::Cosigner& cosigner,
    uint64_t timestamp) const {
  const std::string& origin = checkpoint.origin;
  IMEISYNC_ASSIGN_OR_RETURN(std::optional<CosignedHead> last,
                            Last(txn, origin));
  if (last) {
    const std::string where =
        origin + " at size " + std::to_string(checkpoint.size) +
        " after cosigning size " + std::to_string(last->size);
    if (checkpoint.size < last->size) {
      return FailedPrecondition("will not cosign " + where +
                                ": a witness never goes back");
    }
    if (checkpoint.size == last->size && checkpoint.root != last->root) {
      return FailedPrecondition("will not cosign " + where +
                                ": same size, different root (a fork)");
    }
    if (checkpoint.size > last->size && last->size > 0) {
      IMEISYNC_ASSIGN_OR_RETURN(
          std::vector<Hash32> proof,
          logs.ConsistencyProof(txn, origin, last->size, checkpoint.size));
      Status consistent = merkle::VerifyConsistency(
          last->size, checkpoint.size, last->root, checkpoint.root, proof);
      if (!consistent.ok()) {
        return FailedPrecondition("will not cosign " + where +
                                  ": not consistent (" + consistent.message() +
                                  ")");
      }
    }
  }
  crypto::NoteSignature sig =
      cosigner.Cosign(crypto::FormatCheckpointText(checkpoint), timestamp);
  Bytes value;
  AppendU64(value, checkpoint.size);
  value.insert(value.end(), checkpoint.root.begin(), checkpoint.root.end());
  AppendU64(value, timestamp);
  IMEISYNC_ASSIGN_OR_RETURN(Bytes key, OriginPrefix(origin));
  IMEISYNC_RETURN_IF_ERROR(txn.Put(state_, key, value));
  return sig;
}

Status Witness::RecordWitnessed(store::WriteTxn& txn, std::string_view origin,
                                uint64_t size, size_t witnesses) const {
  witnesses = std::min(witnesses, kMaxWitnessLevels);
  if (witnesses == 0) return Status::Ok();
  IMEISYNC_ASSIGN_OR_RETURN(Bytes key, OriginPrefix(origin));
  std::vector<uint64_t> levels;
  auto v = txn.Get(witnessed_, key);
  if (v.ok()) {
    if (v->size() % 8 != 0 || v->size() > 8 * kMaxWitnessLevels) {
      return DataLoss("witnessed record of " + std::string(origin) +
                      " is malformed (" + std::to_string(v->size()) +
                      " bytes)");
    }
    for (size_t i = 0; i < v->size(); i += 8) {
      levels.push_back(LoadU64(v->subspan(i, 8)));
    }
  } else if (v.status().code() != StatusCode::kNotFound) {
    return v.status();
  }
  if (levels.size() < witnesses) levels.resize(witnesses, 0);
  bool changed = false;
  for (size_t k = 0; k < witnesses; ++k) {
    if (levels[k] < size) {
      levels[k] = size;
      changed = true;
    }
  }
  if (!changed && v.ok()) return Status::Ok();
  Bytes value;
  for (uint64_t s : levels) AppendU64(value, s);
  return txn.Put(witnessed_, key, value);
}

Result<uint64_t> Witness::WitnessedSize(const store::Txn& txn,
                                        std::string_view origin,
                                        size_t quorum) const {
  IMEISYNC_ASSIGN_OR_RETURN(Bytes key, OriginPrefix(origin));
  auto v = txn.Get(witnessed_, key);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kNotFound) return uint64_t{0};
    return v.status();
  }
  if (quorum == 0 || v->size() < 8 * quorum) return uint64_t{0};
  return LoadU64(v->subspan(8 * (quorum - 1), 8));
}

}  // namespace imeisync::node::replication
