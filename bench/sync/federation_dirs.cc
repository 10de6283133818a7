#include "bench/sync/federation_dirs.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/sync/bench_error.h"
#include "bench/sync/process.h"

namespace imeisync::bench {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) Fail("cannot write " + path);
}

std::string TomlStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", \"" : "\"") + items[i] + "\"";
  }
  return out + "]";
}

// Rewrites the `peers` and `sync_interval_ms` lines add-member wrote. Both
// must be present, so a change to its output fails here, not silently.
void EditNodeToml(const std::string& path,
                  const std::vector<std::string>& peers,
                  uint32_t sync_interval_ms) {
  std::istringstream in(ReadText(path));
  std::string out, line;
  int replaced = 0;
  while (std::getline(in, line)) {
    if (line.rfind("peers = ", 0) == 0) {
      line = "peers = " + TomlStringArray(peers);
      ++replaced;
    } else if (line.rfind("sync_interval_ms = ", 0) == 0) {
      line = "sync_interval_ms = " + std::to_string(sync_interval_ms);
      ++replaced;
    }
    out += line + "\n";
  }
  if (replaced != 2) {
    Fail(path + ": expected one peers and one sync_interval_ms line");
  }
  WriteText(path, out);
}

// A free port that no node in `nodes` has: two binds to port 0 in a row
// may be given the same port once the first socket is closed.
int DistinctPort(const std::vector<NodeDir>& nodes) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int port = FreeLoopbackPort();
    bool taken = false;
    for (const NodeDir& n : nodes) taken = taken || n.port == port;
    if (!taken) return port;
  }
  Fail("no distinct free loopback port after 20 attempts");
}

}  // namespace

std::vector<NodeDir> MakeFederation(
    const std::string& cli, const std::string& root,
    const std::string& federation_id, const std::vector<MemberSpec>& members,
    uint32_t sync_interval_ms, const std::vector<std::string>& init_args) {
  const std::string fed = root + "/fed", log = root + "/cli.log";
  std::vector<std::string> init = {cli,  "federation",  "init", "--id",
                                   federation_id, "--dir", fed};
  init.insert(init.end(), init_args.begin(), init_args.end());
  RunProgram(init, log);
  std::vector<NodeDir> nodes;
  for (const MemberSpec& m : members) {
    NodeDir n;
    n.id = m.id;
    n.dir = root + "/" + m.id;
    n.config = n.dir + "/node.toml";
    n.admin_socket = n.dir + "/admin.sock";
    n.port = DistinctPort(nodes);
    RunProgram({cli, "federation", "add-member", "--dir", fed, "--id", m.id,
                "--role", m.role, "--endpoint",
                "127.0.0.1:" + std::to_string(n.port), "--out", n.dir},
               log);
    nodes.push_back(n);
  }
  // Each add-member signed a newer bundle; all nodes start from the last.
  namespace fs = std::filesystem;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const char* file : {"bundle.toml", "bundle.toml.sig"}) {
      fs::copy_file(fed + "/" + file, nodes[i].dir + "/" + file,
                    fs::copy_options::overwrite_existing);
    }
    EditNodeToml(nodes[i].config, members[i].peers, sync_interval_ms);
  }
  return nodes;
}

}  // namespace imeisync::bench
