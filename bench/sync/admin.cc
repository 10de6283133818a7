#include "bench/sync/admin.h"

#include <chrono>

#include "bench/sync/bench_error.h"

namespace imeisync::bench {
namespace {

std::chrono::system_clock::time_point In(std::chrono::seconds s) {
  return std::chrono::system_clock::now() + s;
}

}  // namespace

AdminConnection::AdminConnection(const std::string& socket_path)
    : socket_path_(socket_path) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(
      "unix:" + socket_path, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(In(std::chrono::seconds(10)))) {
    Fail("no imeisyncd answers on " + socket_path);
  }
  stub_ = v1::Admin::NewStub(channel);
}

v1::SubmitResponse AdminConnection::Submit(
    v1::Action action, v1::Reason reason,
    const std::vector<std::string>& imeis) {
  if (imeis.empty() || imeis.size() > kSubmitBatch) {
    Fail("Submit of " + std::to_string(imeis.size()) + " IMEIs: must be 1 to " +
         std::to_string(kSubmitBatch));
  }
  v1::SubmitRequest request;
  request.set_action(action);
  request.set_reason(reason);
  for (const std::string& imei : imeis) request.add_imeis(imei);
  v1::SubmitResponse response;
  grpc::ClientContext context;
  context.set_deadline(In(std::chrono::seconds(300)));
  grpc::Status s = stub_->Submit(&context, request, &response);
  if (!s.ok()) {
    Fail("Submit of " + std::to_string(imeis.size()) + " entries to " +
         socket_path_ + " failed: " + s.error_message());
  }
  return response;
}

v1::NodeStatus AdminConnection::Status() {
  v1::NodeStatus status;
  grpc::ClientContext context;
  context.set_deadline(In(std::chrono::seconds(10)));
  grpc::Status s = stub_->Status(&context, v1::StatusRequest(), &status);
  if (!s.ok()) {
    Fail("Status from " + socket_path_ + " failed: " + s.error_message());
  }
  return status;
}

uint64_t OriginSize(const v1::NodeStatus& status, const std::string& origin) {
  for (const v1::OriginHead& head : status.frontier()) {
    if (head.origin() == origin) return head.size();
  }
  return 0;
}

v1::PeerStatus PeerCounters(const v1::NodeStatus& status,
                            const std::string& peer_id) {
  for (const v1::PeerStatus& p : status.peers()) {
    if (p.id() == peer_id) return p;
  }
  Fail(status.node_id() + " has no peer " + peer_id);
}

}  // namespace imeisync::bench
