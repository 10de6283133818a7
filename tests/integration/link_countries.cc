#include "tests/integration/link_countries.h"

namespace imeisync::testing {

std::string Verdict(TestFederation& fed, const std::string& id,
                    const std::string& imei) {
  CommandResult r =
      fed.Cli({"check", "--config", fed.Config(id), imei, "--json"});
  if (r.exit_code != 0) return "error: " + r.err;
  return nlohmann::json::parse(r.out)["status"].get<std::string>();
}

nlohmann::json CheckJson(TestFederation& fed, const std::string& id,
                         const std::string& imei) {
  CommandResult r =
      fed.Cli({"check", "--config", fed.Config(id), imei, "--json"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

uint64_t LogSize(TestFederation& fed, const std::string& id,
                 const std::string& origin) {
  nlohmann::json s = fed.Status(id);
  if (s.is_null() || !s["frontier"].contains(origin)) return 0;
  return s["frontier"][origin]["size"].get<uint64_t>();
}

grpc::Status FirstEntry(v1::Replication::Stub& stub, const std::string& origin,
                        bool* got) {
  v1::GetEntriesRequest request;
  request.set_origin(origin);
  request.set_begin(0);
  request.set_end(1);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  auto reader = stub.GetEntries(&context, request);
  v1::EntryChunk chunk;
  *got = reader->Read(&chunk);
  return reader->Finish();
}

}  // namespace imeisync::testing
