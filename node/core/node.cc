#include "node/core/node.h"

#include <chrono>
#include <set>
#include <utility>

#include "base/clock.h"
#include "base/file_util.h"
#include "crypto/checkpoint.h"
#include "crypto/ed25519.h"
#include "node/core/exporter.h"
#include "node/core/links.h"
#include "node/core/oprf_budget.h"
#include "node/core/origin_name.h"
#include "node/core/tag_cache.h"
#include "node/imei.h"
#include "node/verdict/local_data.h"

namespace imeisync::node::core {
namespace {

constexpr size_t kMaxBundleBytes = 4 << 20;

Result<std::shared_ptr<const SignedBundle>> ParseSigned(
    std::string toml, std::string signature,
    const crypto::Ed25519PublicKey* trusted_key) {
  IMEISYNC_ASSIGN_OR_RETURN(federation::Bundle bundle,
                            federation::ParseBundle(toml));
  const crypto::Ed25519PublicKey& key =
      trusted_key ? *trusted_key : bundle.federation_key;
  IMEISYNC_RETURN_IF_ERROR(
      federation::VerifyBundleSignature(toml, signature, key));
  return std::make_shared<const SignedBundle>(
      SignedBundle{std::move(toml), std::move(signature), std::move(bundle)});
}

std::vector<std::string> StoreDatabases() {
  std::vector<std::string> dbs;
  for (const char* d : replication::kOriginLogDatabases) dbs.push_back(d);
  for (const char* d : state::kStateDatabases) dbs.push_back(d);
  for (const char* d : verdict::kLocalDatabases) dbs.push_back(d);
  for (const char* d : replication::kWitnessDatabases) dbs.push_back(d);
  for (const char* d : kTagCacheDatabases) dbs.push_back(d);
  for (const char* d : kOprfBudgetDatabases) dbs.push_back(d);
  for (const char* d : kExporterDatabases) dbs.push_back(d);
  return dbs;
}

// The tag source a node can build from its own files: the salt, or the
// OPRF key on the evaluator. An oprf member other than the evaluator gets
// one that refuses until the daemon installs its evaluator client.
Result<std::shared_ptr<TagSource>> LocalTagSource(
    const federation::NodeConfig& config, const federation::Bundle& bundle,
    const Node* node) {
  if (bundle.mode == federation::TagMode::kSalted) {
    if (config.salt.empty()) {
      return std::shared_ptr<TagSource>(
          NoTags("node " + config.id +
                 " has no salt in node.toml: it cannot tag devices"));
    }
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Salt salt,
                              crypto::Salt::LoadFile(config.salt));
    return std::shared_ptr<TagSource>(SaltedTags(std::move(salt)));
  }
  if (config.oprf_key.empty()) {
    return std::shared_ptr<TagSource>(
        NoTags("node " + config.id +
               " is in an oprf federation and is not connected to the OPRF "
               "evaluator: tags come from its Oprf service (run imeisyncd)"));
  }
  IMEISYNC_ASSIGN_OR_RETURN(crypto::OprfPrivateKey key,
                            crypto::OprfPrivateKey::LoadFile(config.oprf_key));
  const crypto::P256Element public_key = key.PublicKey();
  if (!bundle.oprf ||
      Bytes(public_key.begin(), public_key.end()) != bundle.oprf->public_key) {
    return FailedPrecondition(config.oprf_key +
                              " is not the OPRF key whose public half the "
                              "bundle's [oprf] table names");
  }
  return std::shared_ptr<TagSource>(OprfKeyTags(std::move(key), [node] {
    auto b = node->bundle();
    return b->bundle.oprf ? b->bundle.oprf->public_key : Bytes();
  }));
}

}  // namespace

Result<std::unique_ptr<Node>> Node::Open(const federation::NodeConfig& config) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string toml,
                            ReadFile(config.bundle, kMaxBundleBytes));
  IMEISYNC_ASSIGN_OR_RETURN(std::string sig,
                            ReadFile(config.bundle + ".sig", 1024));
  auto bundle = ParseSigned(std::move(toml), std::move(sig), nullptr);
  if (!bundle.ok()) {
    return Status(bundle.status().code(),
                  config.bundle + ": " + bundle.status().message());
  }
  const federation::Member* self = (*bundle)->bundle.FindMember(config.id);
  if (self == nullptr) {
    return FailedPrecondition("node " + config.id + " is not a member of " +
                              config.bundle + " (version " +
                              std::to_string((*bundle)->bundle.version) + ")");
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey key,
      crypto::Ed25519PrivateKey::LoadPem(config.signing_key));
  if (key.public_key().raw() != self->key.raw()) {
    return FailedPrecondition(config.signing_key +
                              " is not the key the bundle lists for " +
                              config.id);
  }
  const std::string origin =
      OriginName((*bundle)->bundle.federation, config.id);
  IMEISYNC_ASSIGN_OR_RETURN(crypto::NoteSigner signer,
                            crypto::NoteSigner::Create(origin, std::move(key)));
  // The same key witnesses other origins' checkpoints (type 0x04 key ID).
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey witness_key,
      crypto::Ed25519PrivateKey::LoadPem(config.signing_key));
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Cosigner cosigner,
      crypto::Cosigner::Create(origin, std::move(witness_key)));
  store::EnvOptions options;
  options.path = config.data_dir;
  options.databases = StoreDatabases();
  IMEISYNC_ASSIGN_OR_RETURN(std::unique_ptr<store::Env> env,
                            store::Env::Open(options));
  IMEISYNC_ASSIGN_OR_RETURN(replication::OriginLogs logs,
                            replication::OriginLogs::Open(*env));
  IMEISYNC_ASSIGN_OR_RETURN(state::StateFold fold,
                            state::StateFold::Open(*env));
  IMEISYNC_ASSIGN_OR_RETURN(replication::Witness witness,
                            replication::Witness::Open(*env));
  std::unique_ptr<Node> node(new Node(
      config, std::move(env), logs, fold, witness, std::move(signer),
      std::move(cosigner), NoTags("the node is still opening"), *bundle));
  IMEISYNC_ASSIGN_OR_RETURN(
      std::shared_ptr<TagSource> tags,
      LocalTagSource(config, (*bundle)->bundle, node.get()));
  node->SetTagSource(std::move(tags));
  return node;
}

Node::Node(federation::NodeConfig config, std::unique_ptr<store::Env> env,
           replication::OriginLogs logs, state::StateFold fold,
           replication::Witness witness, crypto::NoteSigner signer,
           crypto::Cosigner cosigner, std::shared_ptr<TagSource> tags,
           std::shared_ptr<const SignedBundle> bundle)
    : config_(std::move(config)),
      env_(std::move(env)),
      logs_(logs),
      fold_(fold),
      witness_(witness),
      signer_(std::move(signer)),
      cosigner_(std::move(cosigner)),
      origin_(signer_.name()),
      tags_(std::move(tags)),
      bundle_(std::move(bundle)) {}

std::shared_ptr<const SignedBundle> Node::bundle() const {
  std::lock_guard lock(bundle_mu_);
  return bundle_;
}

federation::Role Node::role() const { return RoleIn(bundle()->bundle); }

federation::Role Node::RoleIn(const federation::Bundle& bundle) const {
  const federation::Member* self = bundle.FindMember(config_.id);
  // A newer bundle without this node: it keeps the least power.
  return self ? self->role : federation::Role::kAuditor;
}

Result<uint64_t> Node::OfferBundle(std::string_view toml,
                                   std::string_view signature) {
  std::lock_guard lock(bundle_mu_);
  IMEISYNC_ASSIGN_OR_RETURN(
      std::shared_ptr<const SignedBundle> candidate,
      ParseSigned(std::string(toml), std::string(signature),
                  &bundle_->bundle.federation_key));
  IMEISYNC_RETURN_IF_ERROR(
      federation::CheckSuccessor(bundle_->bundle, candidate->bundle));
  // Signature first, so that a crash between the writes leaves a bundle
  // whose new signature fails to verify rather than an old signature over
  // a new text that could be mistaken for valid; Open() then reports it.
  IMEISYNC_RETURN_IF_ERROR(WriteFileAtomic(config_.bundle + ".sig",
                                           AsBytes(candidate->signature), 0644,
                                           Overwrite::kYes));
  IMEISYNC_RETURN_IF_ERROR(WriteFileAtomic(
      config_.bundle, AsBytes(candidate->toml), 0644, Overwrite::kYes));
  bundle_ = candidate;
  return bundle_->bundle.version;
}

Result<SubmitResult> Node::Submit(Action action, Reason reason,
                                  std::span<const std::string> imeis,
                                  uint64_t issued_at_ms) {
  std::vector<SubmitItem> items;
  items.reserve(imeis.size());
  for (const std::string& imei : imeis) {
    items.push_back({imei, reason, issued_at_ms});
  }
  return Submit(action, items, /*skip_existing=*/false);
}

Result<std::vector<Hash32>> Node::Tags(
    std::span<const std::string> imei14s) const {
  std::shared_ptr<TagSource> source;
  {
    std::lock_guard lock(tags_mu_);
    source = tags_;
  }
  return source->Tags(imei14s);
}

Result<Hash32> Node::TagOf(std::string_view imei14) const {
  const std::string one(imei14);
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> tags,
                            Tags(std::span<const std::string>(&one, 1)));
  return tags.front();
}

void Node::SetTagSource(std::shared_ptr<TagSource> source) {
  std::lock_guard lock(tags_mu_);
  tags_ = std::move(source);
}

Result<SubmitResult> Node::Submit(Action action,
                                  std::span<const SubmitItem> items,
                                  bool skip_existing) {
  if (items.empty()) return InvalidArgument("no IMEI given");
  auto b = bundle();
  const federation::Role my_role = RoleIn(b->bundle);  // same snapshot
  // What this node may issue: its role's policy, narrowed by its link for
  // a foreign member.
  federation::Policy allowed;
  if (const federation::Member* self = b->bundle.FindMember(config_.id)) {
    allowed.roles[my_role] = federation::AllowanceOf(b->bundle, *self);
  }
  for (const SubmitItem& item : items) {
    if (!federation::Allows(allowed, my_role, action, item.reason)) {
      return PermissionDenied(
          "the bundle's policy (version " + std::to_string(b->bundle.version) +
          ") does not allow " +
          (my_role == federation::Role::kForeign
               ? "this foreign member's link"
               : "role " + std::string(federation::RoleName(my_role))) +
          " to issue " + std::string(ActionName(action)) + " " +
          std::string(ReasonName(item.reason)) + "; nothing was submitted");
    }
  }
  std::vector<std::string> imei14s;
  imei14s.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto imei = Imei::Parse(items[i].imei);
    if (!imei.ok()) {
      return InvalidArgument(
          "IMEI " + std::to_string(i + 1) + " of " +
          std::to_string(items.size()) + " (\"" + items[i].imei.substr(0, 40) +
          "\"): " + imei.status().message() + "; nothing was submitted");
    }
    imei14s.emplace_back(imei->imei14());
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<Hash32> tags, Tags(imei14s));
  const uint64_t now = UnixMillis();
  std::vector<Entry> entries;
  entries.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const uint64_t at = items[i].issued_at_ms ? items[i].issued_at_ms : now;
    entries.push_back(Entry{action, items[i].reason, tags[i], at});
  }
  SubmitResult result;
  result.origin = origin_;
  Status written = (env_->Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead before,
                              logs_.Head(txn, origin_));
    result.first_index = before.size;
    std::vector<Entry> kept;
    if (skip_existing) {
      IMEISYNC_ASSIGN_OR_RETURN(kept, FreshEntries(txn, entries));
    }
    const std::vector<Entry>& append = skip_existing ? kept : entries;
    result.count = append.size();
    result.skipped = entries.size() - append.size();
    if (append.empty()) return Status::Ok();
    IMEISYNC_RETURN_IF_ERROR(logs_.Append(txn, origin_, append).status());
    return fold_.Fold(txn, allowed, my_role, origin_, before.size, append)
        .status();
  }));
  if (!written.ok()) return written;
  return result;
}

Result<std::vector<Entry>> Node::FreshEntries(
    const store::Txn& txn, std::span<const Entry> entries) const {
  std::vector<Entry> out;
  out.reserve(entries.size());
  std::set<std::pair<Hash32, Reason>> seen;
  for (const Entry& e : entries) {
    if (!seen.insert({e.tag, e.reason}).second) continue;
    IMEISYNC_ASSIGN_OR_RETURN(
        std::optional<state::Register> latest,
        fold_.Latest(txn, e.tag, origin_, e.reason, e.action));
    if (latest && latest->entry.action == e.action) continue;
    out.push_back(e);
  }
  return out;
}

Result<uint64_t> Node::SignedSize() {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return logs_.SignedSize(txn, origin_);
}

Result<std::optional<std::string>> Node::SignCheckpoint() {
  std::lock_guard lock(sign_mu_);
  IMEISYNC_ASSIGN_OR_RETURN(uint64_t signed_size, SignedSize());
  std::optional<std::string> out;
  Status written = (env_->Update([&](store::WriteTxn& txn) -> Status {
    out.reset();
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                              logs_.Head(txn, origin_));
    if (head.size == 0 || head.size <= signed_size) return Status::Ok();
    crypto::Checkpoint c{origin_, head.size, head.root, {}};
    crypto::Note note;
    note.text = crypto::FormatCheckpointText(c);
    note.signatures.push_back(signer_.Sign(note.text));
    replication::VerifiedCheckpoint cp{c, crypto::FormatNote(note)};
    IMEISYNC_RETURN_IF_ERROR(logs_.RecordCheckpoint(txn, cp));
    out = cp.note;
    return Status::Ok();
  }));
  if (!written.ok()) return written;
  return out;
}

bool Node::IsOwnExportLog(std::string_view origin) const {
  return origin.size() > origin_.size() + 8 && origin.starts_with(origin_) &&
         origin.substr(origin_.size(), 8) == "/export/";
}

Result<federation::Member> Node::OriginMember(std::string_view origin) const {
  auto b = bundle();
  IMEISYNC_ASSIGN_OR_RETURN(OriginParts parts,
                            ParseOrigin(b->bundle.federation, origin));
  const federation::Member* m = b->bundle.FindMember(parts.node);
  if (m == nullptr) {
    return NotFound("origin " + std::string(origin) +
                    " names no member of bundle version " +
                    std::to_string(b->bundle.version));
  }
  if (!parts.link.empty()) {
    const federation::Link* link = b->bundle.FindLink(parts.link);
    if (link == nullptr || link->exporter != parts.node) {
      return NotFound("export log " + std::string(origin) +
                      " is not one that bundle version " +
                      std::to_string(b->bundle.version) + " has a link for");
    }
  }
  return *m;
}

Result<federation::RolePolicy> Node::AllowanceOf(
    std::string_view origin) const {
  auto b = bundle();  // one snapshot for the member and the link
  IMEISYNC_ASSIGN_OR_RETURN(OriginParts parts,
                            ParseOrigin(b->bundle.federation, origin));
  const federation::Member* member = b->bundle.FindMember(parts.node);
  if (member == nullptr) {
    return NotFound("origin " + std::string(origin) +
                    " names no member of bundle version " +
                    std::to_string(b->bundle.version));
  }
  if (parts.link.empty()) return federation::AllowanceOf(b->bundle, *member);
  const federation::Link* link = b->bundle.FindLink(parts.link);
  if (link == nullptr || link->exporter != parts.node) {
    return NotFound("export log " + std::string(origin) +
                    " is not one that bundle version " +
                    std::to_string(b->bundle.version) + " has a link for");
  }
  return ExportAllowance(*link);
}

Result<replication::VerifiedCheckpoint> Node::VerifyCheckpoint(
    std::string_view note) const {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note parsed, crypto::ParseNote(note));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Checkpoint c,
                            crypto::ParseCheckpointText(parsed.text));
  IMEISYNC_ASSIGN_OR_RETURN(federation::Member member, OriginMember(c.origin));
  {
    auto b = bundle();
    const federation::Member* self = b->bundle.FindMember(config_.id);
    if (self == nullptr || !MayRead(b->bundle, *self, c.origin)) {
      return PermissionDenied(
          "this node may not hold " + c.origin +
          ": export logs are for their link's member only, and a foreign "
          "member holds only its own log and its link's export log");
    }
  }
  IMEISYNC_ASSIGN_OR_RETURN(crypto::NoteVerifier verifier,
                            crypto::NoteVerifier::Create(c.origin, member.key));
  auto verified = crypto::VerifyNote(parsed, std::span(&verifier, 1));
  if (!verified.ok()) {
    return InvalidArgument("checkpoint of " + c.origin + " at size " +
                           std::to_string(c.size) + ": " +
                           verified.status().message());
  }
  return replication::VerifiedCheckpoint{std::move(c), std::string(note)};
}

Result<uint64_t> Node::FoldNew(store::WriteTxn& txn, std::string_view origin,
                               uint64_t first_index,
                               std::span<const Entry> entries) const {
  IMEISYNC_ASSIGN_OR_RETURN(federation::Member member, OriginMember(origin));
  // Fold() checks entries against a role's policy: give it a policy whose
  // only role is this origin's allowance.
  federation::Policy allowed;
  IMEISYNC_ASSIGN_OR_RETURN(allowed.roles[member.role], AllowanceOf(origin));
  IMEISYNC_ASSIGN_OR_RETURN(
      state::FoldResult r,
      fold_.Fold(txn, allowed, member.role, origin, first_index, entries));
  return r.rejected;
}

namespace {

Status CheckAt(const replication::LogHead& head, uint64_t first_index,
               const std::string& origin) {
  if (head.size == first_index) return Status::Ok();
  return AlreadyExists("the log of " + origin + " is at " +
                       std::to_string(head.size) + ", not " +
                       std::to_string(first_index) +
                       ": another pull applied these entries");
}

}  // namespace

Result<replication::ApplyOutcome> Node::ApplyRange(
    const replication::VerifiedCheckpoint& cp, uint64_t first_index,
    std::span<const Entry> entries) {
  replication::ApplyOutcome outcome{};
  Status written = (env_->Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead before,
                              logs_.Head(txn, cp.checkpoint.origin));
    if (!entries.empty()) {
      IMEISYNC_RETURN_IF_ERROR(
          CheckAt(before, first_index, cp.checkpoint.origin));
    }
    IMEISYNC_ASSIGN_OR_RETURN(outcome, logs_.Apply(txn, cp, entries));
    if (outcome == replication::ApplyOutcome::kApplied) {
      IMEISYNC_RETURN_IF_ERROR(
          FoldNew(txn, cp.checkpoint.origin, before.size, entries).status());
      if (cp.checkpoint.origin != origin_) {
        IMEISYNC_RETURN_IF_ERROR(CosignApplied(txn, cp));
      }
    }
    return Status::Ok();
  }));
  if (!written.ok()) return written;
  return outcome;
}

Result<replication::LogHead> Node::ApplyPiece(
    const replication::VerifiedCheckpoint& cp, uint64_t first_index,
    std::span<const Entry> entries, std::span<const Hash32> proof) {
  replication::LogHead head;
  Status written = (env_->Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead before,
                              logs_.Head(txn, cp.checkpoint.origin));
    IMEISYNC_RETURN_IF_ERROR(
        CheckAt(before, first_index, cp.checkpoint.origin));
    IMEISYNC_ASSIGN_OR_RETURN(head, logs_.ApplyPrefix(txn, cp, entries, proof));
    return FoldNew(txn, cp.checkpoint.origin, before.size, entries).status();
  }));
  if (!written.ok()) return written;
  return head;
}

std::vector<replication::WitnessKey> Node::WitnessKeys() const {
  auto b = bundle();
  std::vector<replication::WitnessKey> keys;
  for (const federation::Member& m : b->bundle.members) {
    auto v =
        crypto::NoteVerifier::Create(OriginName(b->bundle.federation, m.id),
                                     m.key, crypto::kNoteTypeCosignatureV1);
    // Member ids are validated when the bundle is parsed, so every origin
    // name is a valid key name.
    if (v.ok()) keys.push_back({m.id, *std::move(v)});
  }
  return keys;
}

Status Node::RecordWitnesses(store::WriteTxn& txn, const crypto::Note& note,
                             const crypto::Checkpoint& checkpoint) const {
  auto b = bundle();
  IMEISYNC_ASSIGN_OR_RETURN(
      OriginParts origin_parts,
      ParseOrigin(b->bundle.federation, checkpoint.origin));
  const std::string& origin_member = origin_parts.node;
  const std::vector<replication::WitnessKey> keys = WitnessKeys();
  IMEISYNC_ASSIGN_OR_RETURN(
      std::vector<std::string> witnesses,
      replication::VerifiedWitnesses(note, keys, origin_member));
  return witness_.RecordWitnessed(txn, checkpoint.origin, checkpoint.size,
                                  witnesses.size());
}

Status Node::CosignApplied(store::WriteTxn& txn,
                           const replication::VerifiedCheckpoint& cp) const {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note note, crypto::ParseNote(cp.note));
  IMEISYNC_ASSIGN_OR_RETURN(federation::Member member,
                            OriginMember(cp.checkpoint.origin));
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteVerifier origin_key,
      crypto::NoteVerifier::Create(cp.checkpoint.origin, member.key));
  const uint64_t now_s = UnixMillis() / 1000;
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::NoteSignature mine,
      witness_.Cosign(txn, logs_, cp.checkpoint, cosigner_, now_s));
  // What is stored is the origin's signature and the cosignatures of other
  // members that verify, nothing else: a relay cannot pad the note with
  // lines of unknown keys until ours no longer fits.
  const std::vector<replication::WitnessKey> keys = WitnessKeys();
  crypto::Note kept{note.text, {}};
  for (const crypto::NoteSignature& s : note.signatures) {
    if (origin_key.Matches(s)) {
      kept.signatures.push_back(s);
      continue;
    }
    if (s.key_name == mine.key_name && s.key_id == mine.key_id) continue;
    for (const replication::WitnessKey& k : keys) {
      if (k.member != member.id && k.verifier.Matches(s) &&
          crypto::VerifyCosignature(note.text, s, k.verifier).ok()) {
        kept.signatures.push_back(s);
        break;
      }
    }
  }
  if (kept.signatures.size() >= crypto::kMaxNoteSignatures) {
    return ResourceExhausted("checkpoint of " + cp.checkpoint.origin +
                             " already carries " +
                             std::to_string(kept.signatures.size()) +
                             " signatures; no room for this node's");
  }
  kept.signatures.push_back(std::move(mine));
  const std::string stored = crypto::FormatNote(kept);
  IMEISYNC_RETURN_IF_ERROR(
      logs_.ReplaceCheckpointNote(txn, cp.checkpoint.origin, stored));
  return RecordWitnesses(txn, kept, cp.checkpoint);
}

Result<std::optional<std::string>> Node::AddCosignatures(
    std::string_view note) {
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Note parsed, crypto::ParseNote(note));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Checkpoint c,
                            crypto::ParseCheckpointText(parsed.text));
  const std::vector<replication::WitnessKey> keys = WitnessKeys();
  auto merged_with =
      [&](const store::Txn& txn) -> Result<std::optional<std::string>> {
    auto stored = logs_.CheckpointNote(txn, c.origin);
    if (!stored.ok()) {
      if (stored.status().code() == StatusCode::kNotFound ||
          stored.status().code() == StatusCode::kInvalidArgument) {
        return std::optional<std::string>();
      }
      return stored.status();
    }
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Note ours, crypto::ParseNote(*stored));
    if (ours.text != parsed.text) return std::optional<std::string>();
    return replication::MergeCosignatures(*stored, note, keys);
  };
  // Most announces bring nothing new: decide that without the writer lock.
  bool merge = false;
  size_t older = 0;  // witnesses to record for an older checkpoint
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
    IMEISYNC_ASSIGN_OR_RETURN(std::optional<std::string> merged,
                              merged_with(txn));
    merge = merged.has_value();
    if (!merge) {
      IMEISYNC_ASSIGN_OR_RETURN(older,
                                OlderCheckpointWitnesses(txn, parsed, c));
    }
  }
  if (!merge) {
    if (older > 0) {
      IMEISYNC_RETURN_IF_ERROR(env_->Update([&](store::WriteTxn& write) {
        return witness_.RecordWitnessed(write, c.origin, c.size, older);
      }));
    }
    return std::optional<std::string>();
  }
  std::optional<std::string> out;
  Status written = env_->Update([&](store::WriteTxn& txn) -> Status {
    IMEISYNC_ASSIGN_OR_RETURN(out, merged_with(txn));
    if (!out) return Status::Ok();
    IMEISYNC_RETURN_IF_ERROR(logs_.ReplaceCheckpointNote(txn, c.origin, *out));
    IMEISYNC_ASSIGN_OR_RETURN(crypto::Note now, crypto::ParseNote(*out));
    return RecordWitnesses(txn, now, c);
  });
  if (!written.ok()) return written;
  return out;
}

Result<size_t> Node::OlderCheckpointWitnesses(
    const store::Txn& txn, const crypto::Note& note,
    const crypto::Checkpoint& c) const {
  // Cosignatures on a checkpoint older than the stored one still witness
  // the entries it covers, if it is a prefix of the log held here: without
  // this, an origin signing faster than cosignatures travel would never be
  // witnessed.
  IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                            logs_.Head(txn, c.origin));
  if (c.size == 0 || c.size > head.size) return size_t{0};
  IMEISYNC_ASSIGN_OR_RETURN(Hash32 root, logs_.RootAt(txn, c.origin, c.size));
  if (root != c.root) return size_t{0};
  auto b = bundle();
  IMEISYNC_ASSIGN_OR_RETURN(OriginParts parts,
                            ParseOrigin(b->bundle.federation, c.origin));
  const std::vector<replication::WitnessKey> keys = WitnessKeys();
  auto witnesses = replication::VerifiedWitnesses(note, keys, parts.node);
  if (!witnesses.ok() || witnesses->empty()) return size_t{0};
  IMEISYNC_ASSIGN_OR_RETURN(
      uint64_t counted,
      witness_.WitnessedSize(txn, c.origin, witnesses->size()));
  if (counted >= c.size) return size_t{0};
  return witnesses->size();
}

Result<uint64_t> Node::CountedSize(const store::Txn& txn,
                                   std::string_view origin,
                                   const federation::Policy& policy) const {
  // Only its link's member holds an export log, so no quorum of witnesses
  // can gather on it: the exporter's signature is what counts there.
  if (policy.witness_quorum == 0 || IsExportOrigin(origin)) {
    IMEISYNC_ASSIGN_OR_RETURN(replication::LogHead head,
                              logs_.Head(txn, origin));
    return head.size;
  }
  return witness_.WitnessedSize(txn, origin, policy.witness_quorum);
}

Result<replication::LogHead> Node::Head(std::string_view origin) {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return logs_.Head(txn, origin);
}

Result<NodeSnapshot> Node::Snapshot(bool sign_state_head) {
  NodeSnapshot snap;
  StateHead head;
  {
    IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
    IMEISYNC_ASSIGN_OR_RETURN(auto frontier, logs_.Frontier(txn));
    for (auto& [origin, log_head] : frontier) {
      const bool exported = IsOwnExportLog(origin);
      OriginState o;
      o.origin = origin;
      o.head = log_head;
      auto note = logs_.CheckpointNote(txn, origin);
      if (note.ok()) {
        o.note = *std::move(note);
      } else if (note.status().code() != StatusCode::kNotFound) {
        return note.status();
      }
      IMEISYNC_ASSIGN_OR_RETURN(o.frozen, logs_.Frozen(txn, origin));
      if (exported) {
        snap.exports.push_back(std::move(o));
        continue;
      }
      head.frontier.push_back({origin, log_head.size, log_head.root});
      snap.origins.push_back(std::move(o));
    }
    IMEISYNC_ASSIGN_OR_RETURN(snap.state_root, fold_.Root(txn));
    IMEISYNC_ASSIGN_OR_RETURN(snap.registers, fold_.RegisterCount(txn));
  }
  if (!sign_state_head) return snap;
  head.node_origin = origin_;
  head.time_ms = UnixMillis();
  head.state_root = snap.state_root;
  crypto::Note note;
  note.text = FormatStateHeadText(head);
  note.signatures.push_back(signer_.Sign(note.text));
  snap.state_head_note = crypto::FormatNote(note);
  return snap;
}

Result<std::string> Node::CheckpointNote(std::string_view origin) {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return logs_.CheckpointNote(txn, origin);
}

Result<std::vector<Entry>> Node::ReadEntries(std::string_view origin,
                                             uint64_t begin, uint64_t end) {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return logs_.Read(txn, origin, begin, end);
}

Result<std::vector<Hash32>> Node::ConsistencyProof(std::string_view origin,
                                                   uint64_t first,
                                                   uint64_t second) {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return logs_.ConsistencyProof(txn, origin, first, second);
}

Result<std::vector<replication::Evidence>> Node::Evidence() {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return logs_.AllEvidence(txn);
}

Result<std::map<std::pair<std::string, Reason>, uint64_t>> Node::Rejections() {
  IMEISYNC_ASSIGN_OR_RETURN(store::ReadTxn txn, env_->BeginRead());
  return fold_.Rejections(txn);
}

Result<std::string> Node::SignStateHead(const store::Txn& txn) {
  StateHead head;
  head.node_origin = origin_;
  IMEISYNC_ASSIGN_OR_RETURN(auto frontier, logs_.Frontier(txn));
  for (auto& [origin, log_head] : frontier) {
    if (IsOwnExportLog(origin)) continue;
    head.frontier.push_back({origin, log_head.size, log_head.root});
  }
  IMEISYNC_ASSIGN_OR_RETURN(head.state_root, fold_.Root(txn));
  head.time_ms = UnixMillis();
  crypto::Note note;
  note.text = FormatStateHeadText(head);
  note.signatures.push_back(signer_.Sign(note.text));
  return crypto::FormatNote(note);
}

}  // namespace imeisync::node::core
