#include "node/core/bundle_holder.h"

#include <utility>

#include "base/file_util.h"
#include "crypto/note.h"
#include "node/federation/links.h"
#include "node/federation/origin_name.h"

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

// What an origin names in `bundle`: its member and, for an export log, the
// link it exports to.
struct Named {
  const federation::Member* member = nullptr;
  const federation::Link* link = nullptr;
};

Result<Named> Resolve(const federation::Bundle& bundle,
                      std::string_view origin) {
  IMEISYNC_ASSIGN_OR_RETURN(federation::OriginParts parts,
                            federation::ParseOrigin(bundle.federation, origin));
  Named named;
  named.member = bundle.FindMember(parts.node);
  if (named.member == nullptr) {
    return NotFound("origin " + std::string(origin) +
                    " names no member of bundle version " +
                    std::to_string(bundle.version));
  }
  if (parts.link.empty()) return named;
  named.link = bundle.FindLink(parts.link);
  if (named.link == nullptr || named.link->exporter != parts.node) {
    return NotFound("export log " + std::string(origin) +
                    " is not one that bundle version " +
                    std::to_string(bundle.version) + " has a link for");
  }
  return named;
}

std::vector<replication::WitnessKey> WitnessKeysOf(
    const federation::Bundle& bundle) {
  std::vector<replication::WitnessKey> keys;
  for (const federation::Member& m : bundle.members) {
    auto v = crypto::NoteVerifier::Create(
        federation::OriginName(bundle.federation, m.id), m.key,
        crypto::kNoteTypeCosignatureV1);
    // Member ids are validated when the bundle is parsed, so every origin
    // name is a valid key name.
    if (v.ok()) keys.push_back({m.id, *std::move(v)});
  }
  return keys;
}

}  // namespace

federation::Role RoleIn(const federation::Bundle& bundle, std::string_view id) {
  const federation::Member* self = bundle.FindMember(id);
  return self ? self->role : federation::Role::kAuditor;
}

Result<std::unique_ptr<BundleHolder>> BundleHolder::Load(
    std::string bundle_path, std::string self_id) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string toml,
                            ReadFile(bundle_path, kMaxBundleBytes));
  IMEISYNC_ASSIGN_OR_RETURN(std::string sig,
                            ReadFile(bundle_path + ".sig", 1024));
  auto bundle = ParseSigned(std::move(toml), std::move(sig), nullptr);
  if (!bundle.ok()) {
    return Status(bundle.status().code(),
                  bundle_path + ": " + bundle.status().message());
  }
  if ((*bundle)->bundle.FindMember(self_id) == nullptr) {
    return FailedPrecondition("node " + self_id + " is not a member of " +
                              bundle_path + " (version " +
                              std::to_string((*bundle)->bundle.version) + ")");
  }
  return std::unique_ptr<BundleHolder>(new BundleHolder(
      std::move(bundle_path), std::move(self_id), *std::move(bundle)));
}

std::shared_ptr<const SignedBundle> BundleHolder::Current() const {
  std::lock_guard lock(mu_);
  return bundle_;
}

federation::Role BundleHolder::role() const {
  return RoleIn(Current()->bundle, self_id_);
}

BundleHolder::OwnAllowance BundleHolder::Own() const {
  auto b = Current();  // one snapshot for the role and the allowance
  OwnAllowance own;
  own.role = RoleIn(b->bundle, self_id_);
  own.version = b->bundle.version;
  if (const federation::Member* self = b->bundle.FindMember(self_id_)) {
    own.policy.roles[own.role] = federation::AllowanceOf(b->bundle, *self);
  }
  return own;
}

Result<uint64_t> BundleHolder::Offer(std::string_view toml,
                                     std::string_view signature) {
  std::lock_guard lock(mu_);
  IMEISYNC_ASSIGN_OR_RETURN(
      std::shared_ptr<const SignedBundle> candidate,
      ParseSigned(std::string(toml), std::string(signature),
                  &bundle_->bundle.federation_key));
  IMEISYNC_RETURN_IF_ERROR(
      federation::CheckSuccessor(bundle_->bundle, candidate->bundle));
  // Signature first, so that a crash between the writes leaves a bundle
  // whose new signature fails to verify rather than an old signature over
  // a new text that could be mistaken for valid; Load() then reports it.
  IMEISYNC_RETURN_IF_ERROR(WriteFileAtomic(
      path_ + ".sig", AsBytes(candidate->signature), 0644, Overwrite::kYes));
  IMEISYNC_RETURN_IF_ERROR(
      WriteFileAtomic(path_, AsBytes(candidate->toml), 0644, Overwrite::kYes));
  bundle_ = candidate;
  return bundle_->bundle.version;
}

Result<OriginTerms> BundleHolder::TermsOf(std::string_view origin) const {
  auto b = Current();  // one snapshot for every answer
  IMEISYNC_ASSIGN_OR_RETURN(Named named, Resolve(b->bundle, origin));
  const federation::Member* self = b->bundle.FindMember(self_id_);
  return OriginTerms{
      .bundle_version = b->bundle.version,
      .member = *named.member,
      .allowance = named.link != nullptr
                       ? federation::ExportAllowance(*named.link)
                       : federation::AllowanceOf(b->bundle, *named.member),
      .self_may_hold =
          self != nullptr && federation::MayRead(b->bundle, *self, origin),
      .witness_keys = WitnessKeysOf(b->bundle),
  };
}

std::vector<replication::WitnessKey> BundleHolder::WitnessKeys() const {
  return WitnessKeysOf(Current()->bundle);
}

}  // namespace imeisync::node::core
