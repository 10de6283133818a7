// The Check API (Check in proto/imeisync.proto) on the local listener: an
// operator's EIR asks its own node for a device's status.
#ifndef IMEISYNC_NODE_RPC_CHECK_SERVICE_H_
#define IMEISYNC_NODE_RPC_CHECK_SERVICE_H_

#include <functional>
#include <span>

#include "node/core/device_checks.h"
#include "proto/imeisync.grpc.pb.h"

namespace imeisync::node::rpc {

// Told of every answered check and how long deciding took, for metrics.
using CheckObserver = std::function<void(const core::CheckResult&, double)>;

// Decides one request against `checks` at the current time and tells
// `observe` (if set) the result and how long it took. Errors as
// DeviceChecks::Check; a malformed request fails only its own result. The
// one path of every single check, gRPC and HTTP alike.
Result<core::CheckResult> CheckOne(core::DeviceChecks& checks,
                                   core::CheckRequest request,
                                   const CheckObserver& observe);

// Fills `out` from `result` (status, rule, causes; `error` for a malformed
// request).
void ToProto(const core::CheckResult& result, v1::CheckResponse* out);

// Check (unary) runs on gRPC's callback API: the answer is computed on the
// thread that read the request, with no hand-off to a sync-server worker,
// which halves the per-call cost on a 2-core node. CheckStream stays
// synchronous (one worker per open stream).
class CheckService final
    : public v1::Check::WithCallbackMethod_Check<v1::Check::Service> {
 public:
  // `checks` must outlive the service; `observe` may be empty.
  CheckService(core::DeviceChecks& checks, CheckObserver observe)
      : checks_(checks), observe_(std::move(observe)) {}

  // The synchronous Check the base class disables (it aborts if called).
  using v1::Check::WithCallbackMethod_Check<v1::Check::Service>::Check;
  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const v1::CheckRequest* request,
                                  v1::CheckResponse* response) override;
  grpc::Status CheckStream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::CheckResponse, v1::CheckRequest>* stream)
      override;

 private:
  Result<core::CheckResult> Decide(const v1::CheckRequest& request) {
    return CheckOne(checks_, {request.imei(), request.imsi()}, observe_);
  }

  core::DeviceChecks& checks_;
  CheckObserver observe_;
};

}  // namespace imeisync::node::rpc

#endif  // IMEISYNC_NODE_RPC_CHECK_SERVICE_H_
