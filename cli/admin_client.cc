#include "cli/admin_client.h"

#include <grpcpp/grpcpp.h>

#include "cli/command.h"
#include "cli/output.h"
#include "node/rpc/grpc_status.h"

namespace imeisync::cli {

Result<AdminClient> ConnectAdmin(const std::string& config_path,
                                 std::chrono::milliseconds connect_timeout) {
  AdminClient client;
  IMEISYNC_ASSIGN_OR_RETURN(client.config,
                            node::federation::LoadNodeConfig(config_path));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  auto channel =
      grpc::CreateCustomChannel("unix:" + client.config.admin_socket,
                                grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                 connect_timeout)) {
    return Unavailable("no imeisyncd answers on " + client.config.admin_socket +
                       " (is the node running?)");
  }
  client.stub = v1::Admin::NewStub(channel);
  client.channel = std::move(channel);
  return client;
}

void SetDeadline(grpc::ClientContext& context,
                 std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

int ReportFailedCall(std::string_view context, const grpc::Status& status) {
  PrintError(context, node::rpc::FromGrpc(status));
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? kExitUsage
             : kExitInvalid;
}

}  // namespace imeisync::cli
