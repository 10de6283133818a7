// The one step both transports (HTTP/1.1 and HTTP/2) take from a request to
// its response: call the server's handler, and make whatever it does into a
// response that can be sent.
#ifndef IMEISYNC_NODE_HTTP_ANSWER_H_
#define IMEISYNC_NODE_HTTP_ANSWER_H_

#include "node/http/http_server.h"

namespace imeisync::node::http {

// Calls `handler` on the calling thread and returns its response, except:
//   * a handler that throws yields a 500 problem (cause SYSTEM_FAILURE) and a
//     warning naming the method and the path, redacted, never the query;
//   * a status outside 200..999 yields a 500 problem and a warning.
// Never throws (short of allocation failure).
// REQUIRES: handler is non-empty.
HttpResponse Answer(const HttpHandler& handler, const HttpRequest& request);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_ANSWER_H_
