#include "node/federation/setup.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "base/file_util.h"
#include "crypto/device_tag.h"
#include "crypto/oprf.h"
#include "crypto/random.h"
#include "crypto/x509.h"
#include "node/federation/node_config.h"

namespace imeisync::node::federation {
namespace {

constexpr size_t kMaxFile = 1 << 20;

Status MakeEmptyDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec)) {
      return FailedPrecondition(dir + " exists and is not a directory");
    }
    if (!std::filesystem::is_empty(dir, ec)) {
      return FailedPrecondition(dir +
                                " is not empty; refusing to overwrite keys");
    }
  } else if (!std::filesystem::create_directories(dir, ec)) {
    return PermissionDenied("cannot create " + dir + ": " + ec.message());
  }
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

Status WriteSecret(const std::string& path, std::string_view text) {
  return WriteFileAtomic(path, AsBytes(text), 0600, Overwrite::kNo);
}

Status WritePublic(const std::string& path, std::string_view text) {
  return WriteFileAtomic(path, AsBytes(text), 0644, Overwrite::kNo);
}

Status CopyFile(const std::string& from, const std::string& to, mode_t mode) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string text, ReadFile(from, kMaxFile));
  return WriteFileAtomic(to, AsBytes(text), mode, Overwrite::kNo);
}

// Writes the bundle pair `path` (bundle.toml) and `path`.sig, the signature
// second: a crash between the two leaves a pair whose signature check fails
// loudly, never a silently accepted bundle.
Status WriteBundle(const std::string& path, const std::string& text,
                   const std::string& sig, Overwrite overwrite) {
  IMEISYNC_RETURN_IF_ERROR(
      WriteFileAtomic(path, AsBytes(text), 0644, overwrite));
  return WriteFileAtomic(path + ".sig", AsBytes(sig), 0644, overwrite);
}

struct SignedText {
  std::string text;
  std::string sig;
};

// `bundle`'s text and its signature by FED's federation.key.
Result<SignedText> SignWithFederationKey(const std::string& fed_dir,
                                         const Bundle& bundle) {
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey fed_key,
      crypto::Ed25519PrivateKey::LoadPem(fed_dir + "/federation.key"));
  std::string text = FormatBundle(bundle);
  std::string sig = SignBundle(text, fed_key);
  return SignedText{std::move(text), std::move(sig)};
}

// AddMember's checks of `o` that need no file.
Status CheckMemberOptions(const AddMemberOptions& o) {
  if (!IsValidNodeId(o.id)) {
    return InvalidArgument("member id \"" + o.id + "\" is not [a-z0-9-]{1,32}");
  }
  if (!o.endpoint.empty() && !IsHostPort(o.endpoint)) {
    return InvalidArgument("endpoint \"" + o.endpoint + "\" is not host:port");
  }
  if (!o.http_listen.empty() && !IsHostPort(o.http_listen)) {
    return InvalidArgument("http listener \"" + o.http_listen +
                           "\" is not host:port");
  }
  return Status::Ok();
}

// `o.link` completed (its member, a default exporter) and checked by every
// rule ParseBundle has for links, before any file is written; nullopt
// without a link.
Result<std::optional<Link>> PrepareLink(const AddMemberOptions& o,
                                        const Bundle& bundle) {
  std::optional<Link> link = o.link;
  if (!link) return link;
  if (o.role != Role::kForeign) {
    return InvalidArgument("only a foreign member has a link; " + o.id +
                           " would be " + std::string(RoleName(o.role)));
  }
  link->member = o.id;
  if (link->exporter.empty()) {
    for (const Member& m : bundle.members) {
      if (m.role == Role::kMinistry) {
        link->exporter = m.id;
        break;
      }
    }
  }
  const Member* exporter = bundle.FindMember(link->exporter);
  if (exporter == nullptr || exporter->role != Role::kMinistry) {
    return FailedPrecondition(
        link->exporter.empty()
            ? "the bundle has no ministry member to keep the export log; "
              "add one first"
            : "exporter \"" + link->exporter +
                  "\" is not a ministry member of the bundle");
  }
  if (link->oprf_budget && bundle.mode != TagMode::kOprf) {
    return InvalidArgument("an OPRF budget needs an oprf federation");
  }
  Bundle draft = bundle;
  draft.members.push_back(
      {o.id, o.role, bundle.federation_key, o.endpoint, std::nullopt});
  draft.links.push_back(*link);
  IMEISYNC_RETURN_IF_ERROR(ParseBundle(FormatBundle(draft)).status());
  return link;
}

// The node.toml of a new member, paths relative to NODEDIR.
NodeConfig MemberConfig(const AddMemberOptions& o, bool gets_salt,
                        bool evaluates) {
  NodeConfig config;
  config.id = o.id;
  config.data_dir = "data";
  config.bundle = "bundle.toml";
  config.signing_key = "node.key";
  config.tls_key = "tls.key";
  config.tls_cert = "tls.crt";
  config.ca_cert = "ca.crt";
  config.salt = gets_salt ? "salt" : "";
  config.oprf_key = evaluates ? "oprf.key" : "";
  config.listen = o.endpoint;
  config.admin_socket = "admin.sock";
  config.http_listen = o.http_listen;
  return config;
}

// Creates NODEDIR (`o.out_dir`) for a new member: keys, certificate, the
// secrets its role gets, node.toml. Makes it `bundle`'s OPRF evaluator if
// it gets the OPRF key. Returns its checkpoint-signing key.
Result<crypto::Ed25519PublicKey> WriteNodeDir(const AddMemberOptions& o,
                                              bool linked, Bundle& bundle) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string ca_key,
                            ReadFile(o.fed_dir + "/ca.key", kMaxFile));
  IMEISYNC_ASSIGN_OR_RETURN(std::string ca_cert,
                            ReadFile(o.fed_dir + "/ca.crt", kMaxFile));
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::TlsIdentity tls,
      crypto::IssueNodeCertificate({ca_key, ca_cert}, o.id, o.cert_days));

  // The node directory first: until the bundle changes, nothing refers to it.
  IMEISYNC_RETURN_IF_ERROR(MakeEmptyDir(o.out_dir));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey node_key,
                            crypto::Ed25519PrivateKey::Generate());
  IMEISYNC_RETURN_IF_ERROR(node_key.SavePem(o.out_dir + "/node.key"));
  IMEISYNC_RETURN_IF_ERROR(WriteSecret(o.out_dir + "/tls.key", tls.key_pem));
  IMEISYNC_RETURN_IF_ERROR(WritePublic(o.out_dir + "/tls.crt", tls.cert_pem));
  IMEISYNC_RETURN_IF_ERROR(WritePublic(o.out_dir + "/ca.crt", ca_cert));
  // A linked foreign member tags the IMEIs it submits and checks.
  const bool gets_salt =
      bundle.mode == TagMode::kSalted &&
      (o.role == Role::kMinistry || o.role == Role::kOperator ||
       (o.role == Role::kForeign && linked));
  if (gets_salt)
    IMEISYNC_RETURN_IF_ERROR(
        CopyFile(o.fed_dir + "/salt", o.out_dir + "/salt", 0600));
  // The first ministry member of an oprf federation holds the OPRF key.
  const bool evaluates = bundle.oprf && bundle.oprf->evaluator.empty() &&
                         o.role == Role::kMinistry;
  if (evaluates) {
    IMEISYNC_RETURN_IF_ERROR(
        CopyFile(o.fed_dir + "/oprf.key", o.out_dir + "/oprf.key", 0600));
    bundle.oprf->evaluator = o.id;
  }
  IMEISYNC_RETURN_IF_ERROR(
      WritePublic(o.out_dir + "/node.toml",
                  FormatNodeConfig(MemberConfig(o, gets_salt, evaluates))));
  return node_key.public_key();
}

}  // namespace

Status CreateFederation(const CreateFederationOptions& o) {
  if (!IsValidNodeId(o.id)) {
    return InvalidArgument("federation id \"" + o.id +
                           "\" is not [a-z0-9-]{1,32}");
  }
  IMEISYNC_RETURN_IF_ERROR(MakeEmptyDir(o.dir));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::TlsIdentity ca,
                            crypto::CreateCa(o.id, o.ca_days));
  IMEISYNC_RETURN_IF_ERROR(WriteSecret(o.dir + "/ca.key", ca.key_pem));
  IMEISYNC_RETURN_IF_ERROR(WritePublic(o.dir + "/ca.crt", ca.cert_pem));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey fed_key,
                            crypto::Ed25519PrivateKey::Generate());
  IMEISYNC_RETURN_IF_ERROR(fed_key.SavePem(o.dir + "/federation.key"));
  Bundle bundle{1,           o.id, o.mode,          1,  fed_key.public_key(),
                ca.cert_pem, {},   DefaultPolicy(), {}, {}};
  if (o.mode == TagMode::kSalted) {
    IMEISYNC_ASSIGN_OR_RETURN(Hash32 salt_bytes, crypto::Random32());
    crypto::Salt salt(salt_bytes);
    IMEISYNC_RETURN_IF_ERROR(
        WriteSecret(o.dir + "/salt", salt.ToFileContents()));
  } else {
    IMEISYNC_ASSIGN_OR_RETURN(crypto::OprfPrivateKey key,
                              crypto::OprfPrivateKey::Generate());
    IMEISYNC_RETURN_IF_ERROR(
        WriteSecret(o.dir + "/oprf.key", key.ToFileContents()));
    const crypto::P256Element public_key = key.PublicKey();
    bundle.oprf = OprfParams{Bytes(public_key.begin(), public_key.end()), "",
                             o.oprf_budget};
  }
  const std::string text = FormatBundle(bundle);
  return WriteBundle(o.dir + "/bundle.toml", text, SignBundle(text, fed_key),
                     Overwrite::kNo);
}

Result<Bundle> LoadFederationBundle(const std::string& fed_dir) {
  IMEISYNC_ASSIGN_OR_RETURN(std::string text,
                            ReadFile(fed_dir + "/bundle.toml", kMaxFile));
  IMEISYNC_ASSIGN_OR_RETURN(std::string sig,
                            ReadFile(fed_dir + "/bundle.toml.sig", 4096));
  IMEISYNC_ASSIGN_OR_RETURN(Bundle bundle, ParseBundle(text));
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey key,
      crypto::Ed25519PrivateKey::LoadPem(fed_dir + "/federation.key"));
  if (key.public_key().raw() != bundle.federation_key.raw()) {
    return FailedPrecondition(
        fed_dir + "/federation.key is not the key named in bundle.toml");
  }
  IMEISYNC_RETURN_IF_ERROR(
      VerifyBundleSignature(text, sig, bundle.federation_key)
          .WithContext(fed_dir));
  return bundle;
}

Result<uint64_t> AddMember(const AddMemberOptions& o) {
  IMEISYNC_RETURN_IF_ERROR(CheckMemberOptions(o));
  IMEISYNC_ASSIGN_OR_RETURN(Bundle bundle, LoadFederationBundle(o.fed_dir));
  if (bundle.FindMember(o.id) != nullptr) {
    return AlreadyExists("member \"" + o.id + "\" is already in the bundle");
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::optional<Link> link, PrepareLink(o, bundle));
  IMEISYNC_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey node_key,
                            WriteNodeDir(o, link.has_value(), bundle));
  bundle.members.push_back(
      {o.id, o.role, std::move(node_key), o.endpoint, std::nullopt});
  if (link) bundle.links.push_back(*std::move(link));
  bundle.version += 1;
  // The new bundle must parse as it will be read: a link's rules are
  // checked there (bundle.h ParseBundle).
  IMEISYNC_RETURN_IF_ERROR(ParseBundle(FormatBundle(bundle)).status());
  IMEISYNC_ASSIGN_OR_RETURN(SignedText signed_text,
                            SignWithFederationKey(o.fed_dir, bundle));
  const auto& [text, sig] = signed_text;
  IMEISYNC_RETURN_IF_ERROR(
      WriteBundle(o.out_dir + "/bundle.toml", text, sig, Overwrite::kNo));
  IMEISYNC_RETURN_IF_ERROR(
      WriteBundle(o.fed_dir + "/bundle.toml", text, sig, Overwrite::kYes));
  return bundle.version;
}

Result<uint64_t> RemoveLink(const std::string& fed_dir, const std::string& id) {
  IMEISYNC_ASSIGN_OR_RETURN(Bundle bundle, LoadFederationBundle(fed_dir));
  auto it = std::find_if(bundle.links.begin(), bundle.links.end(),
                         [&](const Link& l) { return l.member == id; });
  if (it == bundle.links.end()) {
    return NotFound("bundle version " + std::to_string(bundle.version) +
                    " has no link for member \"" + id + "\"");
  }
  bundle.links.erase(it);
  bundle.version += 1;
  IMEISYNC_ASSIGN_OR_RETURN(SignedText signed_text,
                            SignWithFederationKey(fed_dir, bundle));
  IMEISYNC_RETURN_IF_ERROR(WriteBundle(fed_dir + "/bundle.toml",
                                       signed_text.text, signed_text.sig,
                                       Overwrite::kYes));
  return bundle.version;
}

Result<JoinLinkResult> JoinLink(const std::string& their_bundle,
                                const std::string& member_dir) {
  IMEISYNC_ASSIGN_OR_RETURN(Bundle bundle, LoadSignedBundle(their_bundle));
  const std::string config_path = member_dir + "/node.toml";
  IMEISYNC_ASSIGN_OR_RETURN(NodeConfig config, LoadNodeConfig(config_path));
  const Member* self = bundle.FindMember(config.id);
  if (self == nullptr || self->role != Role::kForeign) {
    return FailedPrecondition(their_bundle + " (version " +
                              std::to_string(bundle.version) +
                              ") lists no foreign member \"" + config.id +
                              "\", the id in " + config_path);
  }
  const Link* link = bundle.FindLink(config.id);
  if (link == nullptr) {
    return FailedPrecondition(their_bundle + " has no [[link]] for " +
                              config.id + ": its exporter would serve nothing");
  }
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey key,
      crypto::Ed25519PrivateKey::LoadPem(config.signing_key));
  if (key.public_key().raw() != self->key.raw()) {
    return FailedPrecondition(config.signing_key + " is not the key " +
                              their_bundle + " lists for " + config.id);
  }
  IMEISYNC_ASSIGN_OR_RETURN(std::string cert,
                            ReadFile(config.tls_cert, kMaxFile));
  IMEISYNC_RETURN_IF_ERROR(
      crypto::VerifyCertificate(cert, bundle.ca_certificate)
          .WithContext(config.tls_cert + " against the CA in " + their_bundle));
  IMEISYNC_ASSIGN_OR_RETURN(std::string cert_id,
                            crypto::CertificateNodeId(cert));
  if (cert_id != config.id) {
    return FailedPrecondition(config.tls_cert + " is issued to \"" + cert_id +
                              "\", not " + config.id);
  }
  const Member* exporter = bundle.FindMember(link->exporter);
  if (exporter->endpoint.empty()) {
    return FailedPrecondition("the link's exporter " + link->exporter +
                              " has no endpoint in " + their_bundle);
  }
  // Install their bundle if it is newer than the one in NODEDIR.
  IMEISYNC_ASSIGN_OR_RETURN(Bundle held, LoadSignedBundle(config.bundle));
  if (held.federation != bundle.federation ||
      held.federation_key.raw() != bundle.federation_key.raw()) {
    return FailedPrecondition(config.bundle +
                              " is of another federation or "
                              "federation key than " +
                              their_bundle);
  }
  if (bundle.version > held.version) {
    IMEISYNC_RETURN_IF_ERROR(
        CheckSuccessor(held, bundle)
            .WithContext(their_bundle + " cannot replace " + config.bundle));
    IMEISYNC_ASSIGN_OR_RETURN(std::string text,
                              ReadFile(their_bundle, kMaxFile));
    IMEISYNC_ASSIGN_OR_RETURN(std::string sig,
                              ReadFile(their_bundle + ".sig", 4096));
    IMEISYNC_RETURN_IF_ERROR(
        WriteBundle(config.bundle, text, sig, Overwrite::kYes));
  }
  // node.toml as written, with the link's listener and peer: relative
  // paths stay relative.
  IMEISYNC_ASSIGN_OR_RETURN(std::string raw, ReadFile(config_path, kMaxFile));
  IMEISYNC_ASSIGN_OR_RETURN(NodeConfig written, ParseNodeConfig(raw, ""));
  written.listen = self->endpoint;
  written.peers = {link->exporter};
  IMEISYNC_RETURN_IF_ERROR(WriteFileAtomic(
      config_path, AsBytes(FormatNodeConfig(written)), 0644, Overwrite::kYes));
  return JoinLinkResult{config.id, bundle.federation, link->exporter,
                        std::max(bundle.version, held.version)};
}

}  // namespace imeisync::node::federation
