// What an operator's staff and core network touch: verdicts through the
// CLI and the N5g-eir HTTP API of a running daemon, local-only data, the
// CLI's exit codes and messages, and bulk import.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <random>
#include <thread>

#include "crypto/ed25519.h"
#include "node/federation/bundle.h"
#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/test_federation.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
namespace fed_ns = node::federation;

const std::string kImsi = "401011234567890";

struct HttpReply {
  int code = 0;
  std::string content_type;
  std::string body;
};

// One request with curl, the client a core network's tooling would use.
HttpReply Curl(const std::string& url, const std::string& method = "GET") {
  CommandResult r = RunCommand({"/usr/bin/curl", "-s", "-X", method, "-w",
                                "\n%{http_code} %{content_type}", url});
  BOOST_TEST_REQUIRE(r.exit_code == 0, "curl failed: " + r.err);
  HttpReply reply;
  const size_t nl = r.out.rfind('\n');
  reply.body = r.out.substr(0, nl);
  const std::string last = r.out.substr(nl + 1);
  reply.code = std::stoi(last.substr(0, last.find(' ')));
  reply.content_type = last.substr(last.find(' ') + 1);
  return reply;
}

nlohmann::json Json(const std::string& s) {
  return nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
}

std::string HttpBase(TestFederation& fed, const std::string& id) {
  auto config = fed_ns::LoadNodeConfig(fed.Config(id));
  BOOST_TEST_REQUIRE(config.ok(), config.status().ToString());
  BOOST_TEST_REQUIRE(!config->http_listen.empty());
  return "http://" + config->http_listen;
}

std::string EirUrl(TestFederation& fed, const std::string& id,
                   const std::string& query) {
  return HttpBase(fed, id) + "/n5g-eir-eic/v1/equipment-status?" + query;
}

std::string StatusOf(TestFederation& fed, const std::string& id,
                     const std::string& imei15, const std::string& imsi = "") {
  std::string q = "pei=imei-" + imei15;
  if (!imsi.empty()) q += "&supi=imsi-" + imsi;
  HttpReply r = Curl(EirUrl(fed, id, q));
  BOOST_TEST_REQUIRE(r.code == 200, r.body);
  return Json(r.body)["status"].get<std::string>();
}

// Re-signs FED's bundle at version + 1 with `policy` changed by `edit`, and
// publishes it to `via`, from where it spreads.
void ChangePolicy(TestFederation& fed, const std::string& via,
                  const std::function<void(fed_ns::Policy&)>& edit) {
  fed.EditBundle([&](fed_ns::Bundle& b) { edit(b.policy); });
  auto r = fed.Cli({"federation", "publish", "--dir", fed.fed_dir(), "--config",
                    fed.Config(via)});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
}

struct Cast {
  TestFederation fed;
  Cast() {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    fed.Add("op2", "operator");
    fed.ShareLatestBundle();
    for (const char* id : {"ministry", "op1", "op2"}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
  }
};

BOOST_AUTO_TEST_SUITE(verdicts)

BOOST_AUTO_TEST_CASE(
    a_stolen_report_blacklists_on_other_operators_until_cleared) {
  Cast cast;
  TestFederation& fed = cast.fed;
  const std::string imei = SequentialImeis(35'209'900'176'148, 1)[0];
  BOOST_TEST(StatusOf(fed, "op2", imei) == "WHITELISTED");

  BOOST_TEST_REQUIRE(fed.Submit("op1", "block", "stolen", {imei}).exit_code ==
                     0);
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] { return StatusOf(fed, "op2", imei) == "BLACKLISTED"; },
      seconds(20)));
  // The CLI names the entry behind the verdict.
  auto r = fed.Cli({"check", "--config", fed.Config("op2"), imei, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  auto j = Json(r.out);
  BOOST_TEST(j["status"] == "BLACKLISTED");
  BOOST_TEST(j["rule"] == "enforced-block");
  BOOST_TEST_REQUIRE(j["causes"].size() == 1u);
  BOOST_TEST(j["causes"][0]["origin"] == "imeisync/kz/op1");
  BOOST_TEST(j["causes"][0]["reason"] == "STOLEN");

  // op2's subscriber with a local exception pairing is let through; others
  // are not, and the pairing stays on op2.
  r = fed.Cli({"local", "pair", "--config", fed.Config("op2"), imei, kImsi});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(StatusOf(fed, "op2", imei, kImsi) == "WHITELISTED");
  BOOST_TEST(StatusOf(fed, "op2", imei, "401019999999999") == "BLACKLISTED");
  BOOST_TEST(StatusOf(fed, "op1", imei, kImsi) == "BLACKLISTED");
  BOOST_TEST(fed.Status("op2")["local_pairs"] == 1);
  BOOST_TEST(fed.Status("op1")["local_pairs"] == 0);
  r = fed.Cli({"check", "--config", fed.Config("op2"), imei, "--imsi", kImsi});
  BOOST_TEST(r.out.find("WHITELISTED (paired)") != std::string::npos, r.out);

  BOOST_TEST_REQUIRE(fed.Submit("op1", "clear", "stolen", {imei}).exit_code ==
                     0);
  BOOST_TEST(TestFederation::WaitFor(
      [&] { return StatusOf(fed, "op2", imei) == "WHITELISTED"; },
      seconds(20)));
}

BOOST_AUTO_TEST_CASE(
    registration_policy_greylists_in_grace_and_blacklists_after) {
  Cast cast;
  TestFederation& fed = cast.fed;
  ChangePolicy(fed, "ministry", [](fed_ns::Policy& p) {
    p.registration_required = true;
    p.grace_days = 30;
  });
  const auto imeis = SequentialImeis(35'209'900'000'000, 3);
  BOOST_TEST_REQUIRE(
      fed.Submit("ministry", "register", "registry", {imeis[0]}).exit_code ==
      0);
  // Waits on status, not on checks: a check of a device not yet registered
  // would record it as seen.
  BOOST_TEST_REQUIRE(TestFederation::WaitFor(
      [&] {
        nlohmann::json s = fed.Status("op1");
        return s["bundle_version"] ==
                   fed.Status("ministry")["bundle_version"] &&
               s["registers"] == 1;
      },
      seconds(20)));
  BOOST_TEST(StatusOf(fed, "op1", imeis[0]) == "WHITELISTED");
  // Never seen here: within grace, and the check records today as the day
  // op1's network first saw it (once).
  const uint64_t seen_before = fed.Status("op1")["local_first_seen"];
  BOOST_TEST(StatusOf(fed, "op1", imeis[1]) == "GREYLISTED");
  BOOST_TEST(TestFederation::WaitFor(
      [&] { return fed.Status("op1")["local_first_seen"] == seen_before + 1; },
      seconds(10)));
  BOOST_TEST(StatusOf(fed, "op1", imeis[1]) == "GREYLISTED");
  // First seen long ago: past grace.
  auto r = fed.Cli({"local", "seen", "--config", fed.Config("op1"), imeis[2],
                    "--date", "2020-02-29"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(StatusOf(fed, "op1", imeis[2]) == "BLACKLISTED");
  BOOST_TEST(StatusOf(fed, "op2", imeis[2]) == "GREYLISTED");
  // Only the explicit record was added: the second check of imeis[1] did
  // not make another.
  BOOST_TEST(fed.Status("op1")["local_first_seen"] ==
             seen_before + 2);  // op1's data only
  // The ministry registers it: whitelisted everywhere.
  BOOST_TEST_REQUIRE(
      fed.Submit("ministry", "register", "registry", {imeis[2]}).exit_code ==
      0);
  BOOST_TEST(TestFederation::WaitFor(
      [&] { return StatusOf(fed, "op1", imeis[2]) == "WHITELISTED"; },
      seconds(20)));
  r = fed.Cli({"local", "seen", "--config", fed.Config("op1"), imeis[2],
               "--date", "2021-02-29"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("not a calendar day") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(the_unary_check_rpc_answers_and_refuses_bad_imeis) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const std::string imei = SequentialImeis(35'209'900'176'148, 1)[0];
  BOOST_TEST_REQUIRE(
      fed.Submit("ministry", "block", "counterfeit", {imei}).exit_code == 0);
  auto config = fed_ns::LoadNodeConfig(fed.Config("ministry"));
  BOOST_TEST_REQUIRE(config.ok());
  auto stub = v1::Check::NewStub(grpc::CreateChannel(
      "unix:" + config->admin_socket, grpc::InsecureChannelCredentials()));
  auto call = [&](const std::string& which, v1::CheckResponse* reply) {
    v1::CheckRequest request;
    request.set_imei(which);
    request.set_request_id(42);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    return stub->Check(&context, request, reply);
  };
  v1::CheckResponse reply;
  grpc::Status s = call(imei, &reply);
  BOOST_TEST_REQUIRE(s.ok(), s.error_message());
  BOOST_TEST(reply.request_id() == 42u);
  BOOST_TEST((reply.status() == v1::BLACKLISTED));
  BOOST_TEST(reply.rule() == "enforced-block");
  BOOST_TEST_REQUIRE(reply.causes_size() == 1);
  BOOST_TEST((reply.causes(0).reason() == v1::REASON_COUNTERFEIT));
  BOOST_TEST(reply.causes(0).origin() == "imeisync/kz/ministry");
  std::string wrong = imei;
  wrong[14] = static_cast<char>('0' + (wrong[14] - '0' + 1) % 10);
  s = call(wrong, &reply);
  BOOST_TEST((s.error_code() == grpc::StatusCode::INVALID_ARGUMENT));
  BOOST_TEST(s.error_message().find("wrong check digit") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_api)

BOOST_AUTO_TEST_CASE(every_status_code_of_the_eir_api) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const std::string imei = SequentialImeis(35'209'900'176'148, 1)[0];

  HttpReply ok = Curl(EirUrl(fed, "ministry", "pei=imei-" + imei));
  BOOST_TEST(ok.code == 200);
  BOOST_TEST(ok.content_type == "application/json");
  BOOST_TEST(ok.body == R"({"status":"WHITELISTED"})");
  // IMEISV (16 digits) and a SUPI are accepted.
  ok = Curl(
      EirUrl(fed, "ministry",
             "pei=imeisv-" + imei.substr(0, 14) + "07&supi=imsi-" + kImsi));
  BOOST_TEST(ok.code == 200, ok.body);

  struct Bad {
    std::string query;
    std::string cause;
  };
  for (const Bad& b : std::vector<Bad>{
           {"", "MANDATORY_QUERY_PARAM_MISSING"},
           {"pei=imei-12345", "MANDATORY_QUERY_PARAM_INCORRECT"},
           {"pei=mac-00-11-22-33-44-55", "MANDATORY_QUERY_PARAM_INCORRECT"},
           // A wrong check digit.
           {"pei=imei-" + imei.substr(0, 14) +
                std::to_string((imei[14] - '0' + 1) % 10),
            "MANDATORY_QUERY_PARAM_INCORRECT"},
           {"pei=imei-" + imei + "&supi=imsi-12",
            "OPTIONAL_QUERY_PARAM_INCORRECT"},
       }) {
    HttpReply r = Curl(EirUrl(fed, "ministry", b.query));
    BOOST_TEST(r.code == 400, b.query);
    BOOST_TEST(r.content_type == "application/problem+json", b.query);
    auto j = Json(r.body);
    BOOST_TEST(j["status"] == 400);
    BOOST_TEST(j["cause"] == b.cause, b.query + " -> " + r.body);
    // Problem details never echo the device.
    BOOST_TEST(r.body.find(imei.substr(0, 14)) == std::string::npos, r.body);
  }
  HttpReply missing =
      Curl(HttpBase(fed, "ministry") + "/n5g-eir-eic/v1/nothing");
  BOOST_TEST(missing.code == 404);
  BOOST_TEST(missing.content_type == "application/problem+json");
  BOOST_TEST(Json(missing.body)["cause"] == "RESOURCE_URI_STRUCTURE_NOT_FOUND");
  HttpReply post = Curl(EirUrl(fed, "ministry", "pei=imei-" + imei), "POST");
  BOOST_TEST(post.code == 405);
  BOOST_TEST(post.content_type == "application/problem+json");

  HttpReply health = Curl(HttpBase(fed, "ministry") + "/healthz");
  BOOST_TEST(health.code == 200);
  HttpReply metrics = Curl(HttpBase(fed, "ministry") + "/metrics");
  BOOST_TEST(metrics.code == 200);
  BOOST_TEST(metrics.content_type.find("text/plain; version=0.0.4") == 0u);
  // Checks that reached the engine: two answered, one with a wrong check
  // digit. Malformed pei and supi syntax is refused before it.
  BOOST_TEST(
      metrics.body.find("imeisync_checks_total{status=\"WHITELISTED\"} 2") !=
          std::string::npos,
      metrics.body);
  BOOST_TEST(metrics.body.find("imeisync_checks_total{status=\"INVALID\"} 1") !=
                 std::string::npos,
             metrics.body);
  BOOST_TEST(metrics.body.find("imeisync_check_duration_seconds_count") !=
             std::string::npos);
  BOOST_TEST(metrics.body.find("imeisync_registers 0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_http_listen_turns_http_off) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  const std::string base = HttpBase(fed, "ministry");
  fed.SetConfig("ministry", "http_listen", "\"\"");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  CommandResult r = RunCommand({"/usr/bin/curl", "-s", "-o", "/dev/null",
                                "--max-time", "5", base + "/healthz"});
  BOOST_TEST(r.exit_code == 7);  // curl: failed to connect
  BOOST_TEST(fed.Log("ministry").find("http off") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli_errors)

BOOST_AUTO_TEST_CASE(exit_codes_and_messages_a_person_can_act_on) {
  TestFederation fed;
  fed.Add("ministry", "ministry");
  BOOST_TEST_REQUIRE(fed.Start("ministry"), fed.Log("ministry"));
  const std::string good = SequentialImeis(35'209'900'176'148, 1)[0];

  // A malformed IMEI: exit 1, position and rule on stderr, others answered.
  auto r = fed.Cli({"check", "--config", fed.Config("ministry"), good,
                    "35209900176149", "12ab"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find(good + " WHITELISTED") != std::string::npos, r.out);
  BOOST_TEST(
      r.err.find("IMEI 3 of 3: character 'a' at position 3 is not a digit") !=
          std::string::npos,
      r.err);
  // An unknown reason: usage error before anything is sent.
  r = fed.Cli({"submit", "--config", fed.Config("ministry"), "block",
               "--reason", "stolne", good});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "imeisync: submit: unknown reason \"stolne\"\n");
  r = fed.Cli({"import", "--config", fed.Config("ministry"), "--action",
               "block", "--reason", "borrowed", "-"},
              "imei\n" + good + "\n");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("unknown reason \"borrowed\"") != std::string::npos);
  // A missing config file.
  r = fed.Cli({"check", "--config", fed.path() + "/nope/node.toml", good});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find(fed.path() + "/nope/node.toml") != std::string::npos,
             r.err);
  // A daemon that is down.
  BOOST_TEST(fed.Stop("ministry") == 0);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"check", "--config", fed.Config("ministry"), good},
           {"local", "pair", "--config", fed.Config("ministry"), good, kImsi},
           {"submit", "--config", fed.Config("ministry"), "block", "--reason",
            "stolen", good}}) {
    r = fed.Cli(args);
    BOOST_TEST(r.exit_code == 2, args[0]);
    BOOST_TEST(r.err.find("no imeisyncd answers on") != std::string::npos,
               r.err);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
