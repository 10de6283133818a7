// `imeisync merkle ...`, run as an auditor would, against RFC 6962 data.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/hex.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/state_hash.h"
#include "tests/support/run_command.h"

namespace imeisync::cli {
namespace {

using testing::RunCommand;

nlohmann::json Vectors() {
  std::ifstream in(std::string(IMEISYNC_TEST_VECTORS) + "/rfc6962.json");
  return nlohmann::json::parse(in);
}

std::string Join(const nlohmann::json& hashes) {
  std::string out;
  for (const auto& h : hashes)
    out += (out.empty() ? "" : ",") + h.get<std::string>();
  return out;
}

std::string LeafHashHex(const std::string& data_hex) {
  return HexEncode(node::merkle::LogLeafHash(*HexDecode(data_hex)));
}

BOOST_AUTO_TEST_SUITE(cli_merkle)

BOOST_AUTO_TEST_CASE(root_of_the_rfc6962_leaves) {
  auto v = Vectors();
  std::string input;
  for (const auto& leaf : v["leaves"]) input += leaf.get<std::string>() + "\n";
  auto r = RunCommand({IMEISYNC_CLI, "merkle", "root"}, input);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out == v["roots"]["8"].get<std::string>() + "\n");
  auto empty = RunCommand({IMEISYNC_CLI, "merkle", "root", "--json"}, "");
  BOOST_TEST(empty.out == "{\"size\":0,\"root\":\"" +
                              v["roots"]["0"].get<std::string>() + "\"}\n");
}

BOOST_AUTO_TEST_CASE(root_rejects_bad_hex_naming_the_line) {
  auto r = RunCommand({IMEISYNC_CLI, "merkle", "root"}, "00\n0g\n");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err ==
             "imeisync: merkle root: stdin line 2: 'g' at position 2 is not a "
             "hex digit\n");
}

BOOST_AUTO_TEST_CASE(verify_inclusion_accepts_vectors_and_rejects_tampering) {
  auto v = Vectors();
  for (const auto& c : v["inclusion"]) {
    uint64_t index = c["index"], size = c["size"];
    std::vector<std::string> args = {
        IMEISYNC_CLI,
        "merkle",
        "verify-inclusion",
        "--index",
        std::to_string(index),
        "--size",
        std::to_string(size),
        "--leaf-hash",
        LeafHashHex(v["leaves"][index].get<std::string>()),
        "--root",
        v["roots"][std::to_string(size)].get<std::string>(),
        "--proof",
        Join(c["path"])};
    auto ok = RunCommand(args);
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(ok.out == "valid\n");
    if (c["path"].empty()) continue;
    std::string tampered = args.back();
    tampered[0] = tampered[0] == '0' ? '1' : '0';
    args.back() = tampered;
    auto bad = RunCommand(args);
    BOOST_TEST(bad.exit_code == 1);
    BOOST_TEST(bad.err.find("imeisync: merkle verify-inclusion: invalid: ") ==
               0u);
  }
}

BOOST_AUTO_TEST_CASE(
    verify_consistency_accepts_vectors_and_rejects_wrong_roots) {
  auto v = Vectors();
  for (const auto& c : v["consistency"]) {
    uint64_t s1 = c["size1"], s2 = c["size2"];
    std::vector<std::string> args = {
        IMEISYNC_CLI,
        "merkle",
        "verify-consistency",
        "--size1",
        std::to_string(s1),
        "--size2",
        std::to_string(s2),
        "--root1",
        v["roots"][std::to_string(s1)].get<std::string>(),
        "--root2",
        v["roots"][std::to_string(s2)].get<std::string>(),
        "--proof",
        Join(c["proof"]),
        "--json"};
    auto ok = RunCommand(args);
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(ok.out == "{\"valid\":true}\n");
    args[10] = v["roots"]["1"].get<std::string>();  // a wrong root2
    auto bad = RunCommand(args);
    BOOST_TEST(bad.exit_code == 1);
    BOOST_TEST(bad.out.find("{\"valid\":false,\"reason\":") == 0u);
  }
}

BOOST_AUTO_TEST_CASE(verify_with_unusable_arguments_exits_2) {
  std::string h(64, 'a');
  auto short_hash =
      RunCommand({IMEISYNC_CLI, "merkle", "verify-inclusion", "--index", "0",
                  "--size", "1", "--leaf-hash", "abcd", "--root", h});
  BOOST_TEST(short_hash.exit_code == 2);
  BOOST_TEST(short_hash.err.find(
                 "--leaf-hash: expected 64 hex digits (32 bytes), got 4") !=
             std::string::npos);
  auto bad_element = RunCommand({IMEISYNC_CLI, "merkle", "verify-consistency",
                                 "--size1", "1", "--size2", "2", "--root1", h,
                                 "--root2", h, "--proof", h + "," + h + "x"});
  BOOST_TEST(bad_element.exit_code == 2);
  BOOST_TEST(bad_element.err.find("--proof element 2") != std::string::npos);
  auto missing =
      RunCommand({IMEISYNC_CLI, "merkle", "verify-inclusion", "--index", "0"});
  BOOST_TEST(missing.exit_code == 2);
  // A well-formed but impossible request is invalid, not unusable.
  auto index =
      RunCommand({IMEISYNC_CLI, "merkle", "verify-inclusion", "--index", "3",
                  "--size", "3", "--leaf-hash", h, "--root", h});
  BOOST_TEST(index.exit_code == 1);
  BOOST_TEST(index.err.find("index 3 is not below size 3") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(
    state_root_is_order_independent_and_matches_the_definition) {
  Hash32 k1{}, k2{}, v1{}, v2{};
  k2[0] = 0x80;  // splits from k1 on the first bit
  v1[31] = 1;
  v2[31] = 2;
  std::string a = HexEncode(k1) + " " + HexEncode(v1) + "\n";
  std::string b = HexEncode(k2) + "\t" + HexEncode(v2) + "\r\n";
  auto ab = RunCommand({IMEISYNC_CLI, "merkle", "state-root"}, a + b);
  auto ba = RunCommand({IMEISYNC_CLI, "merkle", "state-root"}, b + "\n" + a);
  BOOST_TEST(ab.exit_code == 0, ab.err);
  using node::merkle::StateLeafHash;
  using node::merkle::StateNodeHash;
  std::string want =
      HexEncode(StateNodeHash(StateLeafHash(k1, v1), StateLeafHash(k2, v2)));
  BOOST_TEST(ab.out == want + "\n");
  BOOST_TEST(ba.out == ab.out);
  auto empty = RunCommand({IMEISYNC_CLI, "merkle", "state-root"}, "");
  BOOST_TEST(empty.out == std::string(64, '0') + "\n");
}

BOOST_AUTO_TEST_CASE(state_root_rejects_a_repeated_key_and_bad_lines) {
  std::string k(64, '1'), v(64, '2');
  auto dup = RunCommand({IMEISYNC_CLI, "merkle", "state-root"},
                        k + " " + v + "\n" + std::string(64, '3') + " " + v +
                            "\n" + k + " " + v + "\n");
  BOOST_TEST(dup.exit_code == 2);
  BOOST_TEST(dup.err == "imeisync: merkle state-root: key " + k +
                            " is given twice (lines 1 and 3)\n");
  auto bad = RunCommand({IMEISYNC_CLI, "merkle", "state-root"}, k + "\n");
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("stdin line 1") != std::string::npos);
  auto short_value =
      RunCommand({IMEISYNC_CLI, "merkle", "state-root"}, k + " abc\n");
  BOOST_TEST(short_value.exit_code == 2);
  BOOST_TEST(short_value.err.find("value: expected 64 hex digits") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::cli
