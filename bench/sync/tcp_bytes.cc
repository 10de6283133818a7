#include "bench/sync/tcp_bytes.h"

#include <stdio.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>

namespace imeisync::bench {
namespace {

struct PipeCloser {
  void operator()(FILE* f) const { pclose(f); }
};

// The value of "key:<digits>" in an ss info line, if present.
std::optional<uint64_t> Field(const std::string& line, const std::string& key) {
  const size_t at = line.find(" " + key + ":");
  if (at == std::string::npos) return std::nullopt;
  return std::stoull(line.substr(at + key.size() + 2));
}

// True if `peer` ("127.0.0.1:P" or "[::ffff:127.0.0.1]:P") is one of ports.
bool IsLoopbackPeer(const std::string& peer, const std::vector<int>& ports) {
  if (peer.find("127.0.0.1") == std::string::npos) return false;
  const size_t colon = peer.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string port = peer.substr(colon + 1);
  return std::any_of(ports.begin(), ports.end(),
                     [&](int p) { return std::to_string(p) == port; });
}

}  // namespace

std::optional<uint64_t> LoopbackClientBytes(const std::vector<int>& ports) {
  // With a state filter ss prints "Recv-Q Send-Q Local Peer" and, on the
  // next line, indented, the tcp_info fields of that socket.
  std::unique_ptr<FILE, PipeCloser> ss(
      popen("ss -tinH state established 2>/dev/null", "r"));
  if (!ss) return std::nullopt;
  std::string text;
  char buf[4096];
  for (size_t got; (got = fread(buf, 1, sizeof buf, ss.get())) > 0;) {
    text.append(buf, got);
  }
  std::istringstream lines(text);
  std::string line;
  bool wanted = false, seen = false;
  uint64_t total = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!wanted) continue;
      // bytes_sent is newer than bytes_acked; they agree on an idle socket.
      auto sent = Field(line, "bytes_sent");
      if (!sent) sent = Field(line, "bytes_acked");
      const auto received = Field(line, "bytes_received");
      if (sent && received) {
        total += *sent + *received;
        seen = true;
      }
      wanted = false;
      continue;
    }
    std::istringstream cols(line);
    std::string col, peer;
    while (cols >> col) peer = col;  // the last column is the remote end
    wanted = IsLoopbackPeer(peer, ports);
  }
  if (!seen) return std::nullopt;
  return total;
}

}  // namespace imeisync::bench
