#include "node/http/problem.h"

#include <cassert>
#include <nlohmann/json.hpp>
#include <string>

namespace imeisync::node::http {

HttpResponse Problem(int status, std::string_view title,
                     std::string_view detail, std::string_view cause) {
  assert(status >= 100 && status <= 599);
  nlohmann::ordered_json body;
  body["status"] = status;
  body["title"] = std::string(title);
  if (!detail.empty()) body["detail"] = std::string(detail);
  if (!cause.empty()) body["cause"] = std::string(cause);
  HttpResponse r;
  r.status = status;
  r.content_type = std::string(kProblemContentType);
  // `replace`: a detail built from peer bytes must not make us throw.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace imeisync::node::http
