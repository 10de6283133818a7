#include "node/federation/setup.h"

#include <sys/stat.h>

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

// Writes the bundle pair, the signature second: a crash between the two
// leaves a pair whose signature check fails loudly, never a silently
// accepted bundle.
Status WriteBundle(const std::string& dir, const std::string& text,
                   const std::string& sig, Overwrite overwrite) {
  IMEISYNC_RETURN_IF_ERROR(
      WriteFileAtomic(dir + "/bundle.toml", AsBytes(text), 0644, overwrite));
  return WriteFileAtomic(dir + "/bundle.toml.sig", AsBytes(sig), 0644,
                         overwrite);
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
  Bundle bundle{1,           o.id, o.mode,          1, fed_key.public_key(),
                ca.cert_pem, {},   DefaultPolicy(), {}};
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
  return WriteBundle(o.dir, text, SignBundle(text, fed_key), Overwrite::kNo);
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
  IMEISYNC_ASSIGN_OR_RETURN(Bundle bundle, LoadFederationBundle(o.fed_dir));
  if (bundle.FindMember(o.id) != nullptr) {
    return AlreadyExists("member \"" + o.id + "\" is already in the bundle");
  }
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
  const bool gets_salt =
      bundle.mode == TagMode::kSalted &&
      (o.role == Role::kMinistry || o.role == Role::kOperator);
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
  IMEISYNC_RETURN_IF_ERROR(
      WritePublic(o.out_dir + "/node.toml", FormatNodeConfig(config)));

  bundle.members.push_back(
      {o.id, o.role, node_key.public_key(), o.endpoint, std::nullopt});
  bundle.version += 1;
  IMEISYNC_ASSIGN_OR_RETURN(
      crypto::Ed25519PrivateKey fed_key,
      crypto::Ed25519PrivateKey::LoadPem(o.fed_dir + "/federation.key"));
  const std::string text = FormatBundle(bundle);
  const std::string sig = SignBundle(text, fed_key);
  IMEISYNC_RETURN_IF_ERROR(WriteBundle(o.out_dir, text, sig, Overwrite::kNo));
  IMEISYNC_RETURN_IF_ERROR(WriteBundle(o.fed_dir, text, sig, Overwrite::kYes));
  return bundle.version;
}

}  // namespace imeisync::node::federation
