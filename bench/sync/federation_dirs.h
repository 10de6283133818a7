// A throw-away federation on loopback, made with the real CLI the way an
// operator would: `federation init`, one `add-member` per node, then the
// newest signed bundle copied to every node and node.toml adjusted.
#ifndef IMEISYNC_BENCH_SYNC_FEDERATION_DIRS_H_
#define IMEISYNC_BENCH_SYNC_FEDERATION_DIRS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace imeisync::bench {

struct MemberSpec {
  std::string id;                  // [a-z0-9-]{1,32}
  std::string role;                // ministry, operator, ...
  std::vector<std::string> peers;  // empty: every other member
};

struct NodeDir {
  std::string id;
  std::string dir;           // NODEDIR, absolute
  std::string config;        // NODEDIR/node.toml
  std::string admin_socket;  // absolute path of its unix socket
  int port = 0;              // its peer listener on 127.0.0.1
};

// Creates FED and one NODEDIR per member under `root` (absolute), each
// listening on a free loopback port, with `sync_interval_ms` as the period
// of full rounds. Runs `cli` (the imeisync binary); fails, quoting its
// output, if any step fails. Returns the nodes in the order of `members`.
// `init_args` are extra `federation init` arguments ({"--mode", "oprf"}).
std::vector<NodeDir> MakeFederation(
    const std::string& cli, const std::string& root,
    const std::string& federation_id, const std::vector<MemberSpec>& members,
    uint32_t sync_interval_ms, const std::vector<std::string>& init_args = {});

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_FEDERATION_DIRS_H_
