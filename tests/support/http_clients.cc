#include "tests/support/http_clients.h"

namespace imeisync::testing {

CurlReply Curl(const std::string& url, bool h2_prior_knowledge,
               const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--max-time", "10"};
  if (h2_prior_knowledge) argv.push_back("--http2-prior-knowledge");
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(),
              {"-w", "\n%{http_version} %{http_code} %{content_type}", url});
  const CommandResult r = RunCommand(argv, "", 20);
  CurlReply reply;
  reply.exit_code = r.exit_code;
  reply.err = r.err;
  const size_t nl = r.out.rfind('\n');
  if (r.exit_code != 0 || nl == std::string::npos) return reply;
  reply.body = r.out.substr(0, nl);
  const std::string last = r.out.substr(nl + 1);
  const size_t sp1 = last.find(' ');
  const size_t sp2 = last.find(' ', sp1 + 1);
  reply.version = last.substr(0, sp1);
  reply.code = std::stoi(last.substr(sp1 + 1, sp2 - sp1 - 1));
  reply.content_type = sp2 == std::string::npos ? "" : last.substr(sp2 + 1);
  return reply;
}

CommandResult Nghttp(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/nghttp", "-v", "-t", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, "", 20);
}

std::string NghttpFrame(const std::string& out, const std::string& header) {
  const size_t at = out.find(header);
  if (at == std::string::npos) return "";
  // Each frame's first line starts with "[ seconds]"; details are indented.
  const size_t next = out.find("\n[", at);
  return out.substr(at,
                    next == std::string::npos ? std::string::npos : next - at);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace imeisync::testing
