// The federation's TLS material: a private CA and the certificates it issues
// to nodes, ECDSA P-256 with SHA-256. A node's id is the certificate's DNS
// subjectAltName, which gRPC reports as the peer identity
// (x509_subject_alternative_name), so a peer's id never comes from a
// request field.
#ifndef IMEISYNC_CRYPTO_X509_H_
#define IMEISYNC_CRYPTO_X509_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace imeisync::crypto {

// A private key and its certificate, both PEM. key_pem is a secret: write it
// with mode 0600 and never log it.
struct TlsIdentity {
  std::string key_pem;   // PKCS#8
  std::string cert_pem;  // X.509 v3
};

// A self-signed CA certificate for federation `federation_id`
// (CN "imeisync <federation_id> CA", basicConstraints CA:TRUE, pathlen 0),
// valid from now for `valid_days`. InvalidArgument for valid_days outside
// 1..36500.
Result<TlsIdentity> CreateCa(std::string_view federation_id, int valid_days);

// A certificate for node `node_id`, signed by `ca`: CN and DNS
// subjectAltName `node_id`, usable for both TLS server and client auth.
// InvalidArgument for an invalid node id or validity, or CA material that
// does not parse.
Result<TlsIdentity> IssueNodeCertificate(const TlsIdentity& ca,
                                         std::string_view node_id,
                                         int valid_days);

// OK if `cert_pem` chains to `ca_pem` and is within its validity period.
// InvalidArgument with OpenSSL's reason otherwise ("certificate signature
// failure", "certificate has expired", ...).
Status VerifyCertificate(std::string_view cert_pem, std::string_view ca_pem);

// The first DNS subjectAltName of `cert_pem`: the node id. InvalidArgument
// if the PEM does not parse or carries no DNS name.
Result<std::string> CertificateNodeId(std::string_view cert_pem);

}  // namespace imeisync::crypto

#endif  // IMEISYNC_CRYPTO_X509_H_
