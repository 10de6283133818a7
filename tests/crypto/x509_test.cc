#include "crypto/x509.h"

#include <boost/test/unit_test.hpp>

#include "base/file_util.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace imeisync::crypto {
namespace {

using testing::RunCommand;
using testing::TempDir;

struct Federation {
  TlsIdentity ca = *CreateCa("kz", 3650);
};

BOOST_AUTO_TEST_SUITE(x509)

BOOST_FIXTURE_TEST_CASE(a_node_certificate_chains_to_its_ca_and_names_the_node,
                        Federation) {
  auto node = IssueNodeCertificate(ca, "beeline", 365);
  BOOST_REQUIRE_MESSAGE(node.ok(), node.status().message());
  BOOST_TEST(node->key_pem.find("BEGIN PRIVATE KEY") != std::string::npos);
  BOOST_TEST(VerifyCertificate(node->cert_pem, ca.cert_pem).ok());
  BOOST_TEST(*CertificateNodeId(node->cert_pem) == "beeline");
}

BOOST_FIXTURE_TEST_CASE(openssl_agrees_with_the_chain_and_the_san, Federation) {
  TempDir dir;
  auto node = *IssueNodeCertificate(ca, "kz-ministry", 30);
  BOOST_REQUIRE(WriteFileAtomic(dir.File("ca.pem"), AsBytes(ca.cert_pem), 0644,
                                Overwrite::kNo)
                    .ok());
  BOOST_REQUIRE(WriteFileAtomic(dir.File("node.pem"), AsBytes(node.cert_pem),
                                0644, Overwrite::kNo)
                    .ok());
  auto verify =
      RunCommand({"/usr/bin/openssl", "verify", "-purpose", "sslserver",
                  "-CAfile", dir.File("ca.pem"), dir.File("node.pem")});
  BOOST_TEST(verify.exit_code == 0, verify.out + verify.err);
  auto client =
      RunCommand({"/usr/bin/openssl", "verify", "-purpose", "sslclient",
                  "-CAfile", dir.File("ca.pem"), dir.File("node.pem")});
  BOOST_TEST(client.exit_code == 0, client.out + client.err);
  auto san = RunCommand({"/usr/bin/openssl", "x509", "-noout", "-ext",
                         "subjectAltName", "-in", dir.File("node.pem")});
  BOOST_TEST(san.out.find("DNS:kz-ministry") != std::string::npos, san.out);
}

BOOST_FIXTURE_TEST_CASE(another_federations_certificate_is_refused,
                        Federation) {
  TlsIdentity other_ca = *CreateCa("uz", 3650);
  auto stranger = *IssueNodeCertificate(other_ca, "beeline", 365);
  Status s = VerifyCertificate(stranger.cert_pem, ca.cert_pem);
  BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(s.message().find("certificate does not verify against the CA") ==
             0u);
  // The CA's own certificate names no node.
  BOOST_TEST(CertificateNodeId(ca.cert_pem).status().message() ==
             "certificate has no DNS subjectAltName (node id)");
}

BOOST_FIXTURE_TEST_CASE(bad_requests_are_refused_with_reasons, Federation) {
  BOOST_TEST(IssueNodeCertificate(ca, "Beeline", 365).status().message() ==
             "node id \"Beeline\" is not [a-z0-9-]{1,32}");
  BOOST_TEST(IssueNodeCertificate(ca, "beeline", 0).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(CreateCa("kz", 40000).status().code() ==
             StatusCode::kInvalidArgument);
  TlsIdentity mixed = ca;
  mixed.key_pem = CreateCa("kz", 1)->key_pem;
  BOOST_TEST(IssueNodeCertificate(mixed, "beeline", 1).status().message() ==
             "CA key does not match the CA certificate");
  BOOST_TEST(VerifyCertificate("garbage", ca.cert_pem).message() ==
             "certificate is not a PEM X.509 certificate");
  // A flipped byte in the signed body breaks the signature or the encoding.
  std::string tampered = IssueNodeCertificate(ca, "beeline", 1)->cert_pem;
  tampered[200] = tampered[200] == 'A' ? 'B' : 'A';
  BOOST_TEST(!VerifyCertificate(tampered, ca.cert_pem).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
