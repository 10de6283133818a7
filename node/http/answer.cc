#include "node/http/answer.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "node/http/problem.h"
#include "node/http/redact.h"

namespace imeisync::node::http {
namespace {

HttpResponse Call(const HttpHandler& handler, const HttpRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    spdlog::warn("http handler threw on {} {}: {}", Redact(request.method),
                 Redact(PathOf(request.target)), Redact(e.what()));
  } catch (...) {
    spdlog::warn("http handler threw on {} {}: a non-std exception",
                 Redact(request.method), Redact(PathOf(request.target)));
  }
  return Problem(500, "Internal Server Error",
                 "the request handler failed; see the node's log",
                 "SYSTEM_FAILURE");
}

}  // namespace

HttpResponse Answer(const HttpHandler& handler, const HttpRequest& request) {
  HttpResponse r = Call(handler, request);
  if (r.status < 200 || r.status > 999) {
    spdlog::warn("http handler returned status {}; answering 500", r.status);
    r = Problem(500, "Internal Server Error",
                "the request handler returned an invalid status",
                "SYSTEM_FAILURE");
  }
  return r;
}

}  // namespace imeisync::node::http
