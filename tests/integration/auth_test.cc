// Who may talk to a node: only holders of a federation-CA certificate, only
// members may read, auditors read but never write, and the admin API is
// not on the peer listener.
#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>

#include "crypto/x509.h"
#include "node/rpc/tls.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/test_federation.h"

namespace imeisync::testing {
namespace {

using std::chrono::seconds;

grpc::Status CallHello(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::Replication::NewStub(channel);
  v1::HelloRequest request;
  v1::HelloResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(5));
  return stub->Hello(&context, request, &reply);
}

grpc::Status CallFrontier(const std::shared_ptr<grpc::Channel>& channel,
                          v1::Frontier* reply) {
  auto stub = v1::Replication::NewStub(channel);
  v1::GetFrontierRequest request;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(5));
  return stub->GetFrontier(&context, request, reply);
}

struct Cast {
  TestFederation fed;
  Cast() {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    fed.Add("audit", "auditor", /*listen=*/false);
    fed.ShareLatestBundle();
    for (const char* id : {"ministry", "op1", "audit"}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
  }
};

BOOST_AUTO_TEST_SUITE(authorization)

BOOST_AUTO_TEST_CASE(a_client_without_a_federation_certificate_cannot_connect) {
  Cast cast;
  const std::string endpoint = cast.fed.Endpoint("ministry");
  const std::string ca = ReadText(cast.fed.fed_dir() + "/ca.crt");
  // Sanity: a member's certificate gets through.
  BOOST_TEST_REQUIRE(
      CallHello(node::rpc::PeerChannel(TlsOf(cast.fed.Dir("op1")), endpoint,
                                       "ministry"))
          .ok());
  // No client certificate at all.
  grpc::SslCredentialsOptions none;
  none.pem_root_certs = ca;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("ministry");
  auto s = CallHello(
      grpc::CreateCustomChannel(endpoint, grpc::SslCredentials(none), args));
  BOOST_TEST(s.error_code() == grpc::StatusCode::UNAVAILABLE,
             s.error_message());
  // A certificate from another federation's CA, even one naming a member.
  auto other_ca = crypto::CreateCa("other", 30);
  BOOST_TEST_REQUIRE(other_ca.ok());
  auto forged = crypto::IssueNodeCertificate(*other_ca, "op1", 30);
  BOOST_TEST_REQUIRE(forged.ok());
  s = CallHello(node::rpc::PeerChannel({ca, forged->key_pem, forged->cert_pem},
                                       endpoint, "ministry"));
  BOOST_TEST(s.error_code() == grpc::StatusCode::UNAVAILABLE,
             s.error_message());
  // Plain text.
  s = CallHello(
      grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  BOOST_TEST(s.error_code() == grpc::StatusCode::UNAVAILABLE,
             s.error_message());
}

BOOST_AUTO_TEST_CASE(a_certified_stranger_is_not_a_member) {
  Cast cast;
  const std::string ca = ReadText(cast.fed.fed_dir() + "/ca.crt");
  crypto::TlsIdentity ca_identity{ReadText(cast.fed.fed_dir() + "/ca.key"), ca};
  auto stranger = crypto::IssueNodeCertificate(ca_identity, "stranger", 30);
  BOOST_TEST_REQUIRE(stranger.ok());
  v1::Frontier frontier;
  auto s = CallFrontier(
      node::rpc::PeerChannel({ca, stranger->key_pem, stranger->cert_pem},
                             cast.fed.Endpoint("ministry"), "ministry"),
      &frontier);
  BOOST_TEST(s.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  BOOST_TEST(s.error_message().find("caller stranger is not a member") !=
                 std::string::npos,
             s.error_message());
}

BOOST_AUTO_TEST_CASE(an_auditor_reads_but_cannot_submit) {
  Cast cast;
  auto r = cast.fed.Submit("ministry", "block", "court_order",
                           SequentialImeis(123, 2));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  // It replicates with no listener of its own.
  BOOST_TEST(cast.fed.WaitConverged({"ministry", "op1", "audit"}, 1));
  v1::Frontier frontier;
  auto s = CallFrontier(
      node::rpc::PeerChannel(TlsOf(cast.fed.Dir("audit")),
                             cast.fed.Endpoint("ministry"), "ministry"),
      &frontier);
  BOOST_TEST_REQUIRE(s.ok(), s.error_message());
  BOOST_TEST(frontier.origins_size() == 1);
  r = cast.fed.Submit("audit", "block", "stolen", SequentialImeis(9, 1));
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("does not allow role auditor") != std::string::npos,
             r.err);
}

BOOST_AUTO_TEST_CASE(the_admin_api_is_not_on_the_peer_listener) {
  Cast cast;
  auto channel = node::rpc::PeerChannel(
      TlsOf(cast.fed.Dir("op1")), cast.fed.Endpoint("ministry"), "ministry");
  auto admin = v1::Admin::NewStub(channel);
  v1::SubmitRequest request;
  request.set_action(v1::ACTION_BLOCK);
  request.set_reason(v1::REASON_COURT_ORDER);
  request.add_imeis("352099001761481");
  v1::SubmitResponse reply;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + seconds(5));
  auto s = admin->Submit(&context, request, &reply);
  BOOST_TEST(s.error_code() == grpc::StatusCode::UNIMPLEMENTED,
             s.error_message());
  BOOST_TEST(cast.fed.Status("ministry")["frontier"].size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
