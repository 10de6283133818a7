// Conversions between our Status and grpc::Status. The codes are numbered
// alike (base/status.h), so the mapping is one to one in both directions.
#ifndef IMEISYNC_NODE_RPC_GRPC_STATUS_H_
#define IMEISYNC_NODE_RPC_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "base/status.h"

namespace imeisync::node::rpc {

inline grpc::Status ToGrpc(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), s.message());
}

// Codes we do not use (CANCELLED, UNKNOWN, ...) become UNAVAILABLE with the
// gRPC code number in the message.
inline Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return Status::Ok();
  const int code = s.error_code();
  switch (code) {
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 13:
    case 14:
    case 15:
    case 16:
      return Status(static_cast<StatusCode>(code), s.error_message());
    default:
      return Unavailable("gRPC code " + std::to_string(code) + ": " +
                         s.error_message());
  }
}

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_GRPC_STATUS_H_
