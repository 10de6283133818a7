#include "tests/node/rpc/rpc_fixture.h"

#include <chrono>
#include <filesystem>

#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "node/imei.h"

namespace imeisync::testing {

namespace fs = std::filesystem;
using node::federation::Role;

RpcFederation::RpcFederation(node::federation::TagMode mode,
                             uint64_t oprf_budget) {
  node::federation::CreateFederationOptions options{File("fed"), "kz"};
  options.mode = mode;
  options.oprf_budget = oprf_budget;
  auto created = node::federation::CreateFederation(options);
  BOOST_TEST_REQUIRE(created.ok(), created.ToString());
  std::vector<std::string> ids = {"ministry", "op1", "op2", "aud"};
  Add("ministry", Role::kMinistry);
  Add("op1", Role::kOperator);
  Add("op2", Role::kOperator);
  Add("aud", Role::kAuditor);
  if (mode == node::federation::TagMode::kSalted) {
    Add("fx", Role::kForeign);
    ids.push_back("fx");
  }
  for (const std::string& id : ids) {
    for (const char* f : {"bundle.toml", "bundle.toml.sig"}) {
      fs::copy_file(File("fed/") + f, File(id) + "/" + f,
                    fs::copy_options::overwrite_existing);
    }
  }
  auto bundle = node::federation::LoadFederationBundle(File("fed"));
  BOOST_TEST_REQUIRE(bundle.ok(), bundle.status().ToString());
  bundle_.emplace(*std::move(bundle));
  // Certified by the CA, unknown to every bundle the others hold.
  Add("late", Role::kOperator);
}

void RpcFederation::Add(const std::string& id, Role role) {
  node::federation::AddMemberOptions o;
  o.fed_dir = File("fed");
  o.id = id;
  o.role = role;
  o.out_dir = File(id);
  if (role == Role::kForeign) o.link = node::federation::Link{};
  auto added = node::federation::AddMember(o);
  BOOST_TEST_REQUIRE(added.ok(), added.status().ToString());
}

std::unique_ptr<node::core::Node> RpcFederation::Open(
    const std::string& id) const {
  auto config = node::federation::LoadNodeConfig(File(id) + "/node.toml");
  BOOST_TEST_REQUIRE(config.ok(), config.status().ToString());
  auto node = node::core::Node::Open(*config);
  BOOST_TEST_REQUIRE(node.ok(), node.status().ToString());
  return *std::move(node);
}

node::rpc::TlsMaterial RpcFederation::Tls(const std::string& id) const {
  auto config = node::federation::LoadNodeConfig(File(id) + "/node.toml");
  BOOST_TEST_REQUIRE(config.ok(), config.status().ToString());
  auto tls = node::rpc::LoadTlsMaterial(*config);
  BOOST_TEST_REQUIRE(tls.ok(), tls.status().ToString());
  return *std::move(tls);
}

void RecordingEvents::OnAnnounce(
    const std::string& from,
    std::vector<Result<crypto::ParsedCheckpoint>> checkpoints) {
  std::lock_guard lock(mu_);
  announces_.push_back({from, std::move(checkpoints)});
}

void RecordingEvents::OnBundleChanged() {
  std::lock_guard lock(mu_);
  ++bundle_changes_;
}

void RecordingEvents::OnNewCheckpoints(const std::string&,
                                       const std::vector<std::string>& notes) {
  std::lock_guard lock(mu_);
  new_notes_.insert(new_notes_.end(), notes.begin(), notes.end());
}

std::vector<RecordingEvents::Announce> RecordingEvents::announces() {
  std::lock_guard lock(mu_);
  return announces_;
}

int RecordingEvents::bundle_changes() {
  std::lock_guard lock(mu_);
  return bundle_changes_;
}

std::vector<std::string> RecordingEvents::new_checkpoints() {
  std::lock_guard lock(mu_);
  return new_notes_;
}

ServedNode::ServedNode(const RpcFederation& fed, node::core::Node& node)
    : fed_(fed), node_(node) {
  checkpointer_ = std::make_unique<node::core::Checkpointer>(
      node.own_log(), std::chrono::milliseconds(20), [](const std::string&) {});
  BOOST_TEST_REQUIRE(checkpointer_->Start().ok());
  auto checks = node::core::DeviceChecks::Open(node);
  BOOST_TEST_REQUIRE(checks.ok(), checks.status().ToString());
  checks_ = std::make_unique<node::core::DeviceChecks>(*std::move(checks));
  replication_ = std::make_unique<node::rpc::ReplicationService>(
      node.bundles(), node.state_heads(), node.reads(), node.witnessing(),
      events_);
  state_sync_ = std::make_unique<node::rpc::StateSyncService>(node.bundles(),
                                                              node.reads());
  admin_ = std::make_unique<node::rpc::AdminService>(
      node, *checks_, *checkpointer_, events_, [](v1::NodeStatus*) {});
  check_ = std::make_unique<node::rpc::CheckService>(*checks_, nullptr);
  audit_ = std::make_unique<node::rpc::AuditService>(node, *checkpointer_);
  if (!node.config().oprf_key.empty()) {
    auto oprf = node::rpc::OprfService::Create(node);
    BOOST_TEST_REQUIRE(oprf.ok(), oprf.status().ToString());
    oprf_ = *std::move(oprf);
  }

  grpc::ServerBuilder peer;
  int port = 0;
  peer.AddListeningPort("127.0.0.1:0",
                        node::rpc::PeerServerCredentials(fed.Tls(node.id())),
                        &port);
  peer.RegisterService(replication_.get());
  peer.RegisterService(state_sync_.get());
  if (oprf_) peer.RegisterService(oprf_.get());
  peer_server_ = peer.BuildAndStart();
  BOOST_TEST_REQUIRE((peer_server_ && port != 0));
  peer_address_ = "127.0.0.1:" + std::to_string(port);

  grpc::ServerBuilder local;
  local_address_ = "unix:" + fed.File(node.id() + "-admin.sock");
  local.AddListeningPort(local_address_, grpc::InsecureServerCredentials());
  local.RegisterService(admin_.get());
  local.RegisterService(check_.get());
  local.RegisterService(audit_.get());
  local_server_ = local.BuildAndStart();
  BOOST_TEST_REQUIRE(local_server_ != nullptr);
}

ServedNode::~ServedNode() {
  const auto deadline =
      std::chrono::system_clock::now() + std::chrono::seconds(2);
  if (peer_server_) peer_server_->Shutdown(deadline);
  if (local_server_) local_server_->Shutdown(deadline);
  checkpointer_->Stop();
}

std::shared_ptr<grpc::Channel> ServedNode::PeerChannel(
    const std::string& caller) {
  return node::rpc::PeerChannel(fed_.Tls(caller), peer_address_, node_.id());
}

std::unique_ptr<v1::Replication::Stub> ServedNode::Replication(
    const std::string& caller) {
  return v1::Replication::NewStub(PeerChannel(caller));
}

std::unique_ptr<v1::StateSync::Stub> ServedNode::StateSync(
    const std::string& caller) {
  return v1::StateSync::NewStub(PeerChannel(caller));
}

std::unique_ptr<v1::Oprf::Stub> ServedNode::Oprf(const std::string& caller) {
  return v1::Oprf::NewStub(PeerChannel(caller));
}

std::unique_ptr<v1::Admin::Stub> ServedNode::Admin() {
  return v1::Admin::NewStub(
      grpc::CreateChannel(local_address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::Check::Stub> ServedNode::Check() {
  return v1::Check::NewStub(
      grpc::CreateChannel(local_address_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::Audit::Stub> ServedNode::Audit() {
  return v1::Audit::NewStub(
      grpc::CreateChannel(local_address_, grpc::InsecureChannelCredentials()));
}

uint64_t ServedNode::LogSize(const std::string& origin) {
  auto head = node_.reads().Head(origin);
  BOOST_TEST_REQUIRE(head.ok(), head.status().ToString());
  return head->size;
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  return context;
}

void SubmitSigned(node::core::Node& node,
                  const std::vector<std::string>& imeis) {
  REQUIRE_OK(node.own_log().Submit(node::Action::kBlock, node::Reason::kStolen,
                                   imeis, 0));
  REQUIRE_OK(node.own_log().SignCheckpoint());
}

std::vector<std::string> Imeis(uint64_t first, size_t count) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    std::string d = std::to_string(first + i);
    d = std::string(14 - std::min<size_t>(14, d.size()), '0') + d;
    out.push_back(d + node::LuhnCheckDigit(d));
  }
  return out;
}

}  // namespace imeisync::testing
