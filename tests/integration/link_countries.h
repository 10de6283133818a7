// Two federations that link each other in, for the cross-border link
// integration tests (docs/links.md): each country's TestFederation with its
// ministry, an operator and the other country's link node, and the calls
// the tests make of them.
#ifndef IMEISYNC_TESTS_INTEGRATION_LINK_COUNTRIES_H_
#define IMEISYNC_TESTS_INTEGRATION_LINK_COUNTRIES_H_

#include <grpcpp/grpcpp.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "node/federation/node_config.h"
#include "proto/imeisync.grpc.pb.h"
#include "tests/integration/test_federation.h"

namespace imeisync::testing {

// One federation of a ministry and an operator, linking the other
// country's regulator in as foreign member `foreign`, whose link node
// lives in `fed`'s temporary directory under that id.
struct Country {
  TestFederation fed;
  std::string link_id;

  Country(const std::string& id, const std::string& foreign)
      : fed(id), link_id(foreign) {
    fed.Add("ministry", "ministry");
    fed.Add("op1", "operator");
    const std::string endpoint =
        "127.0.0.1:" + std::to_string(FreeLoopbackPort());
    CommandResult r =
        fed.Cli({"link", "create", "--dir", fed.fed_dir(), "--id", foreign,
                 "--endpoint", endpoint, "--out", fed.Dir(foreign), "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    fed.ShareLatestBundle();
  }

  // The other side's step: prepare and start the link node.
  void Join() {
    CommandResult r =
        fed.Cli({"link", "join", "--bundle", fed.fed_dir() + "/bundle.toml",
                 "--member-dir", fed.Dir(link_id), "--json"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto out = nlohmann::json::parse(r.out);
    BOOST_TEST(out["exporter"] == "ministry");
    fed.SetConfig(link_id, "sync_interval_ms", "500");
  }

  void StartAll() {
    for (const std::string& id :
         {std::string("ministry"), std::string("op1"), link_id}) {
      BOOST_TEST_REQUIRE(fed.Start(id), fed.Log(id));
    }
  }

  std::string ExportOrigin() const {
    return "imeisync/" + fed_id() + "/ministry/export/" + link_id;
  }
  std::string fed_id() const {
    auto b = node::federation::LoadSignedBundle(fed.fed_dir() + "/bundle.toml");
    return b.ok() ? b->federation : "";
  }
};

// `id`'s verdict on `imei` from `imeisync check`, or "error: ..." if the
// command failed.
std::string Verdict(TestFederation& fed, const std::string& id,
                    const std::string& imei);
// `imeisync check --json` on `id` for `imei`. REQUIRES: the check succeeds.
nlohmann::json CheckJson(TestFederation& fed, const std::string& id,
                         const std::string& imei);
// The size of `origin`'s log in `id`'s frontier; 0 if absent.
uint64_t LogSize(TestFederation& fed, const std::string& id,
                 const std::string& origin);

// `call(context)` with a 5 s deadline on the context.
template <class Call>
grpc::Status WithDeadline(Call call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  return call(context);
}

// GetEntries of `origin`'s first entry: the stream's status, and whether
// a chunk came.
grpc::Status FirstEntry(v1::Replication::Stub& stub, const std::string& origin,
                        bool* got);

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_INTEGRATION_LINK_COUNTRIES_H_
