// What the HTTP server may log of text a peer sent. Requests carry IMEIs and
// IMSIs in their targets and bodies, and handlers' exceptions may quote them;
// everything peer-supplied passes through Redact() before it reaches the log.
#ifndef IMEISYNC_NODE_HTTP_REDACT_H_
#define IMEISYNC_NODE_HTTP_REDACT_H_

#include <string>
#include <string_view>

namespace imeisync::node::http {

// A loggable rendering of `s`: each run of 5 or more ASCII digits (the
// shortest IMSI) becomes one "#", shorter runs stay, bytes outside printable
// ASCII become '?', and the result is cut at 200 characters. Never fails.
std::string Redact(std::string_view s);

// The path of a request target: everything before the first '?', so that
// the query (where identities travel) is never logged.
std::string_view PathOf(std::string_view target);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_REDACT_H_
