// The daemon as an operator's core-network team meets it: clean stops,
// clear start-up errors, crashes that lose nothing committed, bad input
// and garbage on the peer port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <random>
#include <thread>

#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Writes `bytes` to 127.0.0.1:`port` and closes.
void SendRaw(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    ssize_t ignored = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    (void)ignored;
    std::this_thread::sleep_for(milliseconds(50));
  }
  ::close(fd);
}

int PortOf(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

BOOST_AUTO_TEST_SUITE(daemon)

BOOST_AUTO_TEST_CASE(sigterm_sigint_and_sighup_stop_it_cleanly) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST(fed.Stop("ministry") == 0);
  BOOST_TEST(fed.Log("ministry").find("imeisyncd ministry stopped") !=
             std::string::npos);
  BOOST_TEST(fed.Log("ministry").find("received SIGTERM") != std::string::npos);
  // The admin socket and data survive for the next start.
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  auto r =
      fed.Submit("ministry", "block", "court_order", SequentialImeis(77, 2));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(fed.Stop("ministry", SIGINT) == 0);
  BOOST_TEST(fed.Log("ministry").find("received SIGINT") != std::string::npos);
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST(
      fed.Status("ministry")["frontier"]["imeisync/kz/ministry"]["size"] == 2);
  BOOST_TEST(fed.Stop("ministry", SIGHUP) == 0);
  BOOST_TEST(fed.Log("ministry").find("received SIGHUP") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(start_up_errors_are_one_line_and_exit_2) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.ShareLatestBundle();
  auto run = [&](const std::string& id) {
    return RunCommand({IMEISYNC_DAEMON, "--config", fed.Config(id)}, "", 20);
  };
  // A typo in node.toml.
  fed.SetConfig("op1", "listn", "\"127.0.0.1:1\"");
  auto r = run("op1");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(Lines(r.err) == 1u, r.err);
  BOOST_TEST(r.err.find("unknown key listn (line") != std::string::npos, r.err);

  // A missing key file.
  TestFederation fed2;
  fed2.Add("ministry", "ministry");
  std::filesystem::remove(fed2.Dir("ministry") + "/node.key");
  r = RunCommand({IMEISYNC_DAEMON, "--config", fed2.Config("ministry")}, "",
                 20);
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(Lines(r.err) == 1u, r.err);
  BOOST_TEST(r.err.find("node.key") != std::string::npos, r.err);

  // A busy port: ministry runs, a second node is told to use its port.
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  TestFederation fed3;
  fed3.Add("op9", "operator");
  fed3.SetConfig("op9", "listen", "\"" + fed.Endpoint("ministry") + "\"");
  r = RunCommand({IMEISYNC_DAEMON, "--config", fed3.Config("op9")}, "", 20);
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(Lines(r.err) == 1u, r.err);
  BOOST_TEST(r.err.find("cannot listen on " + fed.Endpoint("ministry")) !=
                 std::string::npos,
             r.err);

  // The same node twice.
  r = run("ministry");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(Lines(r.err) == 1u, r.err);
  BOOST_TEST(r.err.find("another imeisyncd is running") != std::string::npos,
             r.err);
}

BOOST_AUTO_TEST_CASE(a_malformed_imei_refuses_the_whole_submit) {
  TestFederation fed;
  fed.Add("op1", "operator");
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  auto ok = fed.Submit("op1", "block", "stolen", SequentialImeis(500, 2));
  BOOST_TEST_REQUIRE(ok.exit_code == 0, ok.err);
  auto bad =
      fed.Submit("op1", "block", "stolen",
                 {"352099001761481", "35209900176148X", "490154203237518"});
  BOOST_TEST(bad.exit_code == 1);
  BOOST_TEST(bad.err.find("IMEI 2 of 3") != std::string::npos, bad.err);
  BOOST_TEST(bad.err.find("nothing was submitted") != std::string::npos,
             bad.err);
  auto s = fed.Status("op1");
  BOOST_TEST(s["frontier"]["imeisync/kz/op1"]["size"] == 2);
  BOOST_TEST(s["registers"] == 2);
  // The log names the refusal, never the IMEI.
  BOOST_TEST(fed.Log("op1").find("INVALID_ARGUMENT") != std::string::npos);
  BOOST_TEST(fed.Log("op1").find("35209900176148X") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(garbage_on_the_peer_port_does_not_hurt_the_daemon) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  std::mt19937_64 rng(TestSeed("garbage_on_the_peer_port"));
  const int port = PortOf(fed.Endpoint("ministry"));
  for (int i = 0; i < 20; ++i) {
    std::string junk(1 + rng() % 65536, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (i % 4 == 1) junk = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + junk;  // h2c
    if (i % 4 == 2)
      junk = std::string("\x16\x03\x01\x02\x00", 5) + junk;  // TLS
    SendRaw(port, junk);
  }
  BOOST_TEST(fed.Running("ministry"));
  auto r = fed.Submit("op1", "block", "stolen", SequentialImeis(900, 3));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(fed.WaitConverged({"ministry", "op1"}, 1));
}

BOOST_AUTO_TEST_CASE(kill_9_during_a_large_submit_loses_nothing_committed) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  fed.Add("op1", "operator");
  fed.ShareLatestBundle();
  BOOST_TEST_REQUIRE(fed.Start("ministry"));
  BOOST_TEST_REQUIRE(fed.Start("op1"));
  const std::vector<std::string> imeis =
      SequentialImeis(35100000000000, 100000);
  // The submit runs in a child; the daemon is killed while it works.
  pid_t child = ::fork();
  if (child == 0) {
    auto r = fed.SubmitStdin("ministry", "register", "registry", imeis);
    ::_exit(r.exit_code);
  }
  std::mt19937_64 rng(TestSeed("kill_9_during_submit"));
  std::this_thread::sleep_for(milliseconds(300 + rng() % 1200));
  fed.Kill9("ministry");
  int status = 0;
  ::waitpid(child, &status, 0);
  // 0 if it finished first, 2 (node unreachable) if the kill came first.
  const int submit_exit = WEXITSTATUS(status);
  BOOST_TEST_MESSAGE("submit exited with " << submit_exit);
  BOOST_TEST_REQUIRE((submit_exit == 0 || submit_exit == 2));

  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  // All or nothing: the log holds 0 or 100,000 entries, each folded.
  nlohmann::json s;
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        s = fed.Status("ministry");
        return !s.is_null();
      },
      seconds(10)));
  const uint64_t size =
      s["frontier"].contains("imeisync/kz/ministry")
          ? s["frontier"]["imeisync/kz/ministry"]["size"].get<uint64_t>()
          : 0;
  BOOST_TEST_MESSAGE("log size after the crash: " << size);
  BOOST_TEST((size == 0 || size == 100000));
  if (submit_exit == 0) BOOST_TEST(size == 100000u);
  BOOST_TEST(s["registers"].get<uint64_t>() == size);
  // Replication resumes: a new entry, and op1 reaches the same root.
  auto r =
      fed.Submit("ministry", "block", "counterfeit", SequentialImeis(42, 1));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(fed.WaitConverged({"ministry", "op1"}, 1, seconds(60)),
             fed.Log("op1"));
  s = fed.Status("op1");
  BOOST_TEST(s["frontier"]["imeisync/kz/ministry"]["size"].get<uint64_t>() ==
             size + 1);
  BOOST_TEST(s["registers"].get<uint64_t>() == size + 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
