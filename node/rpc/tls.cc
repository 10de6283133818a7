#include "node/rpc/tls.h"

#include "base/file_util.h"
#include "node/federation/bundle.h"

namespace imeisync::node::rpc {
namespace {

constexpr size_t kMaxPemBytes = 64 * 1024;

}  // namespace

Result<TlsMaterial> LoadTlsMaterial(const federation::NodeConfig& config) {
  TlsMaterial tls;
  IMEISYNC_ASSIGN_OR_RETURN(tls.ca_pem, ReadFile(config.ca_cert, kMaxPemBytes));
  IMEISYNC_ASSIGN_OR_RETURN(tls.key_pem,
                            ReadFile(config.tls_key, kMaxPemBytes));
  IMEISYNC_ASSIGN_OR_RETURN(tls.cert_pem,
                            ReadFile(config.tls_cert, kMaxPemBytes));
  return tls;
}

std::shared_ptr<grpc::ServerCredentials> PeerServerCredentials(
    const TlsMaterial& tls) {
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls.ca_pem;
  options.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::Channel> PeerChannel(const TlsMaterial& tls,
                                           const std::string& endpoint,
                                           const std::string& peer_id) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca_pem;
  options.pem_private_key = tls.key_pem;
  options.pem_cert_chain = tls.cert_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(peer_id);
  // Reconnect quickly after a peer restarts; the puller has its own backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(endpoint, grpc::SslCredentials(options),
                                   args);
}

std::optional<std::string> CallerNodeId(const grpc::ServerContext& context) {
  auto auth = context.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return std::nullopt;
  std::vector<grpc::string_ref> sans =
      auth->FindPropertyValues("x509_subject_alternative_name");
  if (sans.size() != 1) return std::nullopt;
  std::string id(sans[0].data(), sans[0].size());
  if (!federation::IsValidNodeId(id)) return std::nullopt;
  return id;
}

}  // namespace imeisync::node::rpc
