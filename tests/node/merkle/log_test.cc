#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "base/hex.h"
#include "node/merkle/compact_range.h"
#include "node/merkle/log_hash.h"
#include "node/merkle/log_nodes.h"
#include "node/merkle/log_proof.h"
#include "node/merkle/memory_log.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::merkle {
namespace {

nlohmann::json Vectors() {
  std::ifstream in(std::string(IMEISYNC_TEST_VECTORS) + "/rfc6962.json");
  BOOST_TEST_REQUIRE(in.good(), "cannot open tests/vectors/rfc6962.json");
  return nlohmann::json::parse(in);
}

Hash32 H(const std::string& hex) { return *HexDecode32(hex); }

std::vector<Hash32> Hashes(const nlohmann::json& arr) {
  std::vector<Hash32> out;
  for (const auto& h : arr) out.push_back(H(h.get<std::string>()));
  return out;
}

// RFC 9162 section 2.1.1 MTH, straight from the definition: the oracle.
Hash32 ReferenceRoot(const std::vector<Hash32>& leaves, size_t begin,
                     size_t end) {
  if (end == begin) return EmptyLogRoot();
  if (end - begin == 1) return leaves[begin];
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return LogNodeHash(ReferenceRoot(leaves, begin, begin + k),
                     ReferenceRoot(leaves, begin + k, end));
}

MemoryLog VectorLog(const nlohmann::json& v) {
  MemoryLog log;
  for (const auto& leaf : v["leaves"])
    log.Append(LogLeafHash(*HexDecode(leaf.get<std::string>())));
  return log;
}

BOOST_AUTO_TEST_SUITE(log_tree_proofs)

BOOST_AUTO_TEST_CASE(rfc6962_roots_for_sizes_0_to_8) {
  auto v = Vectors();
  MemoryLog log = VectorLog(v);
  for (const auto& [size, root] : v["roots"].items()) {
    uint64_t n = std::stoull(size);
    BOOST_TEST_CONTEXT("size " << n) {
      BOOST_TEST(HexEncode(*LogRootAt(log, n)) == root.get<std::string>());
    }
  }
  BOOST_TEST(HexEncode(EmptyLogRoot()) == v["roots"]["0"].get<std::string>());
  // The compact range of an incremental append gives the same roots.
  CompactRange range;
  for (size_t i = 0; i < v["leaves"].size(); ++i) {
    range.Append(LogLeafHash(*HexDecode(v["leaves"][i].get<std::string>())));
    BOOST_TEST(HexEncode(range.Root()) ==
               v["roots"][std::to_string(i + 1)].get<std::string>());
  }
}

BOOST_AUTO_TEST_CASE(rfc6962_inclusion_paths) {
  auto v = Vectors();
  MemoryLog log = VectorLog(v);
  BOOST_REQUIRE(!v["inclusion"].empty());
  for (const auto& c : v["inclusion"]) {
    uint64_t index = c["index"], size = c["size"];
    BOOST_TEST_CONTEXT("index " << index << " size " << size) {
      auto want = Hashes(c["path"]);
      auto got = LogInclusionProof(log, index, size);
      BOOST_REQUIRE(got.ok());
      BOOST_TEST(*got == want);
      Hash32 leaf =
          LogLeafHash(*HexDecode(v["leaves"][index].get<std::string>()));
      Hash32 root = H(v["roots"][std::to_string(size)].get<std::string>());
      BOOST_TEST(VerifyInclusion(index, size, leaf, want, root).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(rfc6962_consistency_proofs) {
  auto v = Vectors();
  MemoryLog log = VectorLog(v);
  BOOST_REQUIRE(!v["consistency"].empty());
  for (const auto& c : v["consistency"]) {
    uint64_t s1 = c["size1"], s2 = c["size2"];
    BOOST_TEST_CONTEXT("size1 " << s1 << " size2 " << s2) {
      auto want = Hashes(c["proof"]);
      auto got = LogConsistencyProof(log, s1, s2);
      BOOST_REQUIRE(got.ok());
      BOOST_TEST(*got == want);
      BOOST_TEST(VerifyConsistency(s1, s2, H(v["roots"][std::to_string(s1)]),
                                   H(v["roots"][std::to_string(s2)]), want)
                     .ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(verifiers_reject_bad_arguments_with_reasons) {
  Hash32 a = LogLeafHash(AsBytes("a")), b = LogLeafHash(AsBytes("b"));
  BOOST_TEST(VerifyInclusion(1, 1, a, {}, a).message() ==
             "inclusion proof: index 1 is not below size 1");
  BOOST_TEST(VerifyInclusion(0, 0, a, {}, a).code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(VerifyConsistency(0, 1, a, a, {}).message().find("size1 is 0") !=
             std::string::npos);
  BOOST_TEST(
      VerifyConsistency(2, 1, a, a, {}).message().find("larger than size2") !=
      std::string::npos);
  // Equal sizes: valid only with an empty proof and equal roots.
  BOOST_TEST(VerifyConsistency(3, 3, a, a, {}).ok());
  BOOST_TEST(!VerifyConsistency(3, 3, a, b, {}).ok());
  std::vector<Hash32> one{a};
  BOOST_TEST(!VerifyConsistency(3, 3, a, a, one).ok());
  BOOST_TEST(VerifyConsistency(1, 2, a, LogNodeHash(a, b), {})
                 .message()
                 .find("is empty") != std::string::npos);
  BOOST_TEST(
      LogInclusionProof(*std::make_unique<MemoryLog>(), 0, 0).status().code() ==
      StatusCode::kInvalidArgument);
}

// Property: over random sizes up to 4096, every proof verifies, and every
// proof with a bit flipped, an element removed or an element added fails.
BOOST_AUTO_TEST_CASE(random_proofs_verify_and_tampered_ones_fail) {
  std::mt19937_64 rng(
      testing::TestSeed("random_proofs_verify_and_tampered_ones_fail"));
  constexpr uint64_t kMax = 4096;
  std::vector<Hash32> leaves;
  MemoryLog log;
  for (uint64_t i = 0; i < kMax; ++i) {
    uint64_t x = rng();
    leaves.push_back(
        LogLeafHash(ByteView(reinterpret_cast<uint8_t*>(&x), sizeof x)));
    log.Append(leaves.back());
  }
  std::vector<Hash32> roots(kMax + 1);
  std::vector<uint64_t> sizes;
  for (int i = 0; i < 60; ++i) sizes.push_back(1 + rng() % kMax);
  for (uint64_t s :
       {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 1024u, 1025u, 4095u, 4096u})
    sizes.push_back(s);
  for (uint64_t s : sizes) {
    roots[s] = ReferenceRoot(leaves, 0, s);
    BOOST_REQUIRE(*LogRootAt(log, s) == roots[s]);
  }

  auto tampered = [&](std::vector<Hash32> proof) {
    std::vector<std::vector<Hash32>> out;
    if (!proof.empty()) {
      auto flipped = proof;
      size_t i = rng() % proof.size();
      flipped[i][rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
      out.push_back(flipped);
      auto removed = proof;
      removed.erase(removed.begin() +
                    static_cast<ptrdiff_t>(rng() % proof.size()));
      out.push_back(removed);
    }
    auto added = proof;
    Hash32 extra;
    for (auto& byte : extra) byte = static_cast<uint8_t>(rng());
    added.insert(
        added.begin() + static_cast<ptrdiff_t>(rng() % (proof.size() + 1)),
        extra);
    out.push_back(added);
    return out;
  };

  int checked = 0;
  for (uint64_t size : sizes) {
    for (int t = 0; t < 5; ++t) {
      uint64_t index = rng() % size;
      auto proof = *LogInclusionProof(log, index, size);
      BOOST_REQUIRE_MESSAGE(
          VerifyInclusion(index, size, leaves[index], proof, roots[size]).ok(),
          "inclusion " << index << "/" << size);
      for (const auto& bad : tampered(proof)) {
        BOOST_REQUIRE_MESSAGE(
            !VerifyInclusion(index, size, leaves[index], bad, roots[size]).ok(),
            "tampered inclusion accepted " << index << "/" << size);
      }
      ++checked;
    }
    for (uint64_t size1 : sizes) {
      if (size1 > size || rng() % 4 != 0) continue;
      auto proof = *LogConsistencyProof(log, size1, size);
      BOOST_REQUIRE_MESSAGE(
          VerifyConsistency(size1, size, roots[size1], roots[size], proof).ok(),
          "consistency " << size1 << "->" << size);
      if (size1 == size) continue;
      for (const auto& bad : tampered(proof)) {
        BOOST_REQUIRE_MESSAGE(
            !VerifyConsistency(size1, size, roots[size1], roots[size], bad)
                 .ok(),
            "tampered consistency accepted " << size1 << "->" << size);
      }
      ++checked;
    }
  }
  BOOST_TEST(checked > 300);
}

BOOST_AUTO_TEST_CASE(compact_range_encoding_round_trips_and_is_checked) {
  CompactRange r;
  for (int i = 0; i < 11; ++i)
    r.Append(LogLeafHash(AsBytes(std::to_string(i))));
  auto back = CompactRange::Decode(r.Encode());
  BOOST_REQUIRE(back.ok());
  BOOST_TEST((*back == r));
  Bytes bad = r.Encode();
  bad.resize(bad.size() - 32);  // a hash missing for size 11 (3 set bits)
  BOOST_TEST(CompactRange::Decode(bad).status().message() ==
             "compact range of size 11 needs 3 hashes, got 2");
  bad.resize(bad.size() - 1);
  BOOST_TEST(!CompactRange::Decode(bad).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::merkle
