// RFC 7807 problem details, shaped as 3GPP TS 29.571 ProblemDetails: every
// error answer of the node's HTTP API is one of these.
#ifndef IMEISYNC_NODE_HTTP_PROBLEM_H_
#define IMEISYNC_NODE_HTTP_PROBLEM_H_

#include <string_view>

#include "node/http/http_server.h"

namespace imeisync::node::http {

// The content type of every problem answer.
inline constexpr std::string_view kProblemContentType =
    "application/problem+json";

// A response with HTTP status `status`, content type kProblemContentType and
// the JSON body
//   {"status":<status>,"title":<title>,"detail":<detail>,"cause":<cause>}
// `type` is omitted (RFC 7807 then means "about:blank"). An empty `detail`
// or `cause` leaves that member out; TS 29.500 defines no cause for some
// statuses (405, 413, 431, ...). Strings are JSON-escaped; bytes that are not
// UTF-8 are replaced with U+FFFD rather than failing.
// REQUIRES: 100 <= status <= 599.
HttpResponse Problem(int status, std::string_view title,
                     std::string_view detail, std::string_view cause);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_PROBLEM_H_
