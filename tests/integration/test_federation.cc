#include "tests/integration/test_federation.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/file_util.h"
#include "crypto/ed25519.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "tests/integration/fake_peer.h"

namespace imeisync::testing {
namespace {

char Luhn(const std::string& d14) {
  int sum = 0;
  for (int i = 13, k = 0; i >= 0; --i, ++k) {
    int v = d14[static_cast<size_t>(i)] - '0';
    if (k % 2 == 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

}  // namespace

std::string ReadText(const std::string& path) {
  auto text = ReadFile(path, size_t{1} << 30);
  return text.ok() ? *text : std::string();
}

node::rpc::TlsMaterial TlsOf(const std::string& node_dir) {
  return {ReadText(node_dir + "/ca.crt"), ReadText(node_dir + "/tls.key"),
          ReadText(node_dir + "/tls.crt")};
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::vector<std::string> SequentialImeis(uint64_t first, size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string d = std::to_string(first + i);
    d = std::string(14 - std::min<size_t>(14, d.size()), '0') + d;
    out.push_back(d + Luhn(d));
  }
  return out;
}

TestFederation::TestFederation(const std::string& id,
                               const std::vector<std::string>& init_args) {
  std::vector<std::string> args = {"federation", "init",  "--id",
                                   id,           "--dir", fed_dir()};
  args.insert(args.end(), init_args.begin(), init_args.end());
  auto r = Cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
}

TestFederation::~TestFederation() {
  for (auto& [id, d] : daemons_) d->Kill9();
}

std::string TestFederation::Add(const std::string& id, const std::string& role,
                                bool listen) {
  std::vector<std::string> args = {
      "federation", "add-member", "--dir", fed_dir(), "--id",
      id,           "--role",     role,    "--out",   Dir(id)};
  if (listen) {
    endpoints_[id] = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
    args.push_back("--endpoint");
    args.push_back(endpoints_[id]);
  }
  auto r = Cli(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  // Quick rounds, so that tests of the periodic path take seconds.
  SetConfig(id, "sync_interval_ms", "500");
  return Dir(id);
}

void TestFederation::ShareLatestBundle() {
  namespace fs = std::filesystem;
  for (const auto& entry : fs::directory_iterator(path())) {
    if (!fs::exists(entry.path() / "node.toml")) continue;
    for (const char* f : {"bundle.toml", "bundle.toml.sig"}) {
      fs::copy_file(fs::path(fed_dir()) / f, entry.path() / f,
                    fs::copy_options::overwrite_existing);
    }
  }
}

void TestFederation::SetConfig(const std::string& id, const std::string& key,
                               const std::string& toml_value) {
  std::istringstream in(ReadText(Config(id)));
  std::string line, out;
  bool replaced = false;
  while (std::getline(in, line)) {
    if (line.rfind(key + " = ", 0) == 0) {
      line = key + " = " + toml_value;
      replaced = true;
    }
    out += line + "\n";
  }
  if (!replaced) out += key + " = " + toml_value + "\n";
  std::ofstream(Config(id), std::ios::trunc) << out;
}

bool TestFederation::Start(const std::string& id) {
  auto& d = daemons_[id];
  if (!d) d = std::make_unique<DaemonProcess>();
  return d->Start(IMEISYNC_DAEMON, Config(id), Dir(id) + "/daemon.log");
}

int TestFederation::Stop(const std::string& id, int signal) {
  return daemons_.at(id)->Stop(std::chrono::seconds(10), signal);
}

void TestFederation::Kill9(const std::string& id) { daemons_.at(id)->Kill9(); }

bool TestFederation::Running(const std::string& id) {
  auto it = daemons_.find(id);
  return it != daemons_.end() && it->second->Running();
}

CommandResult TestFederation::Cli(const std::vector<std::string>& args,
                                  const std::string& input,
                                  int timeout_seconds) {
  std::vector<std::string> argv = {IMEISYNC_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, input, timeout_seconds);
}

CommandResult TestFederation::Submit(const std::string& id,
                                     const std::string& action,
                                     const std::string& reason,
                                     const std::vector<std::string>& imeis) {
  std::vector<std::string> args = {"submit",   "--config", Config(id), action,
                                   "--reason", reason,     "--json"};
  args.insert(args.end(), imeis.begin(), imeis.end());
  return Cli(args);
}

CommandResult TestFederation::SubmitStdin(
    const std::string& id, const std::string& action, const std::string& reason,
    const std::vector<std::string>& imeis) {
  std::string input;
  for (const std::string& imei : imeis) input += imei + "\n";
  return Cli({"submit", "--config", Config(id), action, "--reason", reason,
              "--from", "-", "--json"},
             input);
}

nlohmann::json TestFederation::Status(const std::string& id) {
  auto r = Cli({"status", "--config", Config(id), "--json"}, "", 30);
  if (r.exit_code != 0) return nullptr;
  return nlohmann::json::parse(r.out, nullptr, false);
}

bool TestFederation::WaitFor(const std::function<bool()>& done,
                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

bool TestFederation::WaitConverged(const std::vector<std::string>& ids,
                                   size_t origins,
                                   std::chrono::milliseconds timeout) {
  // Logs and state, not the cosignatures each node has gathered so far:
  // those legitimately differ from node to node.
  auto logs = [](const nlohmann::json& frontier) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [origin, head] : frontier.items()) {
      out[origin] = {head["size"], head["root"], head["frozen"]};
    }
    return out;
  };
  return WaitFor(
      [&] {
        nlohmann::json first;
        for (const std::string& id : ids) {
          nlohmann::json s = Status(id);
          if (s.is_null() || s.is_discarded()) return false;
          if (s["frontier"].size() != origins) return false;
          if (first.is_null()) {
            first = s;
          } else if (logs(s["frontier"]) != logs(first["frontier"]) ||
                     s["state_root"] != first["state_root"]) {
            return false;
          }
        }
        return true;
      },
      timeout);
}

void TestFederation::EditBundle(
    const std::function<void(node::federation::Bundle&)>& edit) {
  auto bundle = node::federation::LoadFederationBundle(fed_dir());
  BOOST_TEST_REQUIRE(bundle.ok(), bundle.status().ToString());
  edit(*bundle);
  bundle->version += 1;
  auto key = crypto::Ed25519PrivateKey::LoadPem(fed_dir() + "/federation.key");
  BOOST_TEST_REQUIRE(key.ok(), key.status().ToString());
  const std::string text = node::federation::FormatBundle(*bundle);
  std::ofstream(fed_dir() + "/bundle.toml", std::ios::trunc) << text;
  std::ofstream(fed_dir() + "/bundle.toml.sig", std::ios::trunc)
      << node::federation::SignBundle(text, *key);
}

void TestFederation::FoldWithoutEntry(const std::string& id,
                                      const std::string& origin, uint64_t index,
                                      uint64_t seed) {
  auto config = node::federation::LoadNodeConfig(Config(id));
  BOOST_TEST_REQUIRE(config.ok(), config.status().ToString());
  auto node = node::core::Node::Open(*config);
  BOOST_TEST_REQUIRE(node.ok(), node.status().ToString());
  auto entries =
      RandomEntries(node::Action::kBlock, node::Reason::kStolen, 1, seed);
  imeisync::Status s =
      (*node)->storage().env().Update([&](node::store::WriteTxn& txn) {
        return (*node)
            ->storage()
            .fold()
            .Fold(txn, (*node)->bundles().Current()->bundle.policy,
                  node::federation::Role::kOperator, origin, index, entries)
            .status();
      });
  BOOST_TEST_REQUIRE(s.ok(), s.ToString());
}

std::string TestFederation::Endpoint(const std::string& id) const {
  return endpoints_.at(id);
}

std::string TestFederation::Log(const std::string& id) const {
  return ReadText(Dir(id) + "/daemon.log");
}

}  // namespace imeisync::testing
