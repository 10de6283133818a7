// A federation on loopback for integration tests: made with the real CLI
// (`federation init` / `add-member`) in a temporary directory, with real
// imeisyncd processes on free ports. Everything is killed and removed at
// scope exit.
#ifndef IMEISYNC_TESTS_INTEGRATION_TEST_FEDERATION_H_
#define IMEISYNC_TESTS_INTEGRATION_TEST_FEDERATION_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "node/federation/bundle.h"
#include "node/rpc/tls.h"
#include "tests/integration/daemon_process.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace imeisync::testing {

// The whole file at `path`, or "" if it cannot be read.
std::string ReadText(const std::string& path);

// The TLS material of the node directory `node_dir` (ca.crt, tls.key,
// tls.crt), to call peers as that member.
node::rpc::TlsMaterial TlsOf(const std::string& node_dir);

// A port that was free a moment ago on 127.0.0.1.
int FreeLoopbackPort();

// `count` distinct valid 15-digit IMEIs starting from `first` (a 14-digit
// core), with their Luhn check digits.
std::vector<std::string> SequentialImeis(uint64_t first, size_t count);

class TestFederation {
 public:
  // `init_args` are extra `federation init` arguments, e.g. {"--mode",
  // "oprf"}.
  explicit TestFederation(const std::string& id = "kz",
                          const std::vector<std::string>& init_args = {});
  ~TestFederation();

  // Adds a member with the CLI; it gets a free loopback endpoint unless
  // `listen` is false. Returns its node directory.
  std::string Add(const std::string& id, const std::string& role,
                  bool listen = true);
  // Copies FED/bundle.toml(.sig) into every node directory made so far.
  void ShareLatestBundle();
  // Rewrites FED/bundle.toml with `edit` applied at the next version,
  // signed with FED/federation.key. Nodes see it after ShareLatestBundle()
  // (before they start) or `federation publish`.
  void EditBundle(const std::function<void(node::federation::Bundle&)>& edit);
  // Behind the stopped node `id`'s back, folds one random BLOCK STOLEN
  // register of `origin` (as if at log index `index`) into its state with
  // no log entry: what corruption or a bug would leave.
  void FoldWithoutEntry(const std::string& id, const std::string& origin,
                        uint64_t index, uint64_t seed);
  // Sets `key = value` (value as TOML text) in the member's node.toml.
  void SetConfig(const std::string& id, const std::string& key,
                 const std::string& toml_value);

  bool Start(const std::string& id);
  // Stops the daemon with `signal` (SIGTERM by default); its exit code.
  int Stop(const std::string& id, int signal = SIGTERM);
  void Kill9(const std::string& id);
  bool Running(const std::string& id);

  CommandResult Cli(const std::vector<std::string>& args,
                    const std::string& input = "", int timeout_seconds = 120);
  CommandResult Submit(const std::string& id, const std::string& action,
                       const std::string& reason,
                       const std::vector<std::string>& imeis);
  // The same with the IMEIs on stdin (`--from -`), for lists too long for
  // a command line.
  CommandResult SubmitStdin(const std::string& id, const std::string& action,
                            const std::string& reason,
                            const std::vector<std::string>& imeis);
  // `imeisync status --json`, parsed; a null json if the command failed.
  nlohmann::json Status(const std::string& id);

  // Polls every 50 ms until `done()` or `timeout`; returns done().
  static bool WaitFor(const std::function<bool()>& done,
                      std::chrono::milliseconds timeout);
  // Waits until every node in `ids` reports the same frontier of exactly
  // `origins` logs and the same state root.
  bool WaitConverged(
      const std::vector<std::string>& ids, size_t origins,
      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  std::string fed_dir() const { return tmp_.File("fed"); }
  std::string Dir(const std::string& id) const { return tmp_.File(id); }
  std::string Config(const std::string& id) const {
    return Dir(id) + "/node.toml";
  }
  std::string Endpoint(const std::string& id) const;
  // The daemon's stderr so far.
  std::string Log(const std::string& id) const;
  const std::string& path() const { return tmp_.path(); }

 private:
  TempDir tmp_;
  std::map<std::string, std::string> endpoints_;
  std::map<std::string, std::unique_ptr<DaemonProcess>> daemons_;
};

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_INTEGRATION_TEST_FEDERATION_H_
