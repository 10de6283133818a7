#include "node/rpc/check_service.h"

#include <chrono>

#include "base/clock.h"
#include "node/rpc/grpc_status.h"

namespace imeisync::node::rpc {

void ToProto(const core::CheckResult& result, v1::CheckResponse* out) {
  if (!result.status.ok()) {
    out->set_status(v1::EQUIPMENT_STATUS_UNSPECIFIED);
    out->set_error(result.status.message());
    return;
  }
  switch (result.verdict) {
    case verdict::Verdict::kWhitelisted:
      out->set_status(v1::WHITELISTED);
      break;
    case verdict::Verdict::kGreylisted:
      out->set_status(v1::GREYLISTED);
      break;
    case verdict::Verdict::kBlacklisted:
      out->set_status(v1::BLACKLISTED);
      break;
  }
  out->set_rule(std::string(verdict::RuleName(result.rule)));
  for (const core::CheckCause& c : result.causes) {
    v1::CheckCause* p = out->add_causes();
    p->set_origin(c.origin);
    p->set_index(c.index);
    p->set_action(static_cast<v1::Action>(c.entry.action));
    p->set_reason(static_cast<v1::Reason>(c.entry.reason));
    p->set_issued_at_ms(static_cast<int64_t>(c.entry.issued_at_ms));
  }
}

Result<core::CheckResult> CheckOne(core::DeviceChecks& checks,
                                   core::CheckRequest request,
                                   const CheckObserver& observe) {
  const auto start = std::chrono::steady_clock::now();
  IMEISYNC_ASSIGN_OR_RETURN(std::vector<core::CheckResult> results,
                            checks.Check({&request, 1}, UnixMillis()));
  if (observe) {
    observe(results[0], std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count());
  }
  return std::move(results[0]);
}

grpc::ServerUnaryReactor* CheckService::Check(
    grpc::CallbackServerContext* context, const v1::CheckRequest* request,
    v1::CheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Deciding never blocks on I/O beyond an LMDB read snapshot, so it runs
  // here rather than on another thread.
  auto result = Decide(*request);
  if (!result.ok()) {
    reactor->Finish(ToGrpc(result.status()));
  } else if (!result->status.ok()) {
    reactor->Finish(ToGrpc(result->status));
  } else {
    response->set_request_id(request->request_id());
    ToProto(*result, response);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::Status CheckService::CheckStream(
    grpc::ServerContext*,
    grpc::ServerReaderWriter<v1::CheckResponse, v1::CheckRequest>* stream) {
  v1::CheckRequest request;
  v1::CheckResponse response;
  while (stream->Read(&request)) {
    auto result = Decide(request);
    if (!result.ok()) return ToGrpc(result.status());
    response.Clear();
    response.set_request_id(request.request_id());
    ToProto(*result, &response);
    if (!stream->Write(response)) break;  // the client went away
  }
  return grpc::Status::OK;
}

}  // namespace imeisync::node::rpc
