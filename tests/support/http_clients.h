// Independent HTTP clients for tests: curl (HTTP/1.1, or HTTP/2 with prior
// knowledge) and nghttp (nghttp2-client), run as processes.
#ifndef IMEISYNC_TESTS_SUPPORT_HTTP_CLIENTS_H_
#define IMEISYNC_TESTS_SUPPORT_HTTP_CLIENTS_H_

#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace imeisync::testing {

struct CurlReply {
  int exit_code = -1;   // curl's; 0 when an answer came
  int code = 0;         // HTTP status
  std::string version;  // %{http_version}: "1.1" or "2"
  std::string content_type;
  std::string body;
  std::string err;  // curl's stderr
};

// `curl -s [--http2-prior-knowledge] <extra...> <url>` with a 10 s limit.
CurlReply Curl(const std::string& url, bool h2_prior_knowledge,
               const std::vector<std::string>& extra = {});

// `nghttp -v <args...>` with a 10 s limit; stdout carries the frames and
// the bodies.
CommandResult Nghttp(const std::vector<std::string>& args);

// The lines nghttp -v printed for the first frame whose line contains
// `header` (e.g. "recv SETTINGS frame"): that line and its indented detail
// lines. Empty if there is no such frame.
std::string NghttpFrame(const std::string& out, const std::string& header);

// How many times `needle` occurs in `haystack` (not overlapping).
size_t Count(const std::string& haystack, const std::string& needle);

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_SUPPORT_HTTP_CLIENTS_H_
