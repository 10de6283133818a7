// The StateSync service serves the state tree to domestic members only,
// and names what is wrong with a prefix it cannot descend to.
#include <boost/test/unit_test.hpp>
#include <random>

#include "node/rpc/replication_service.h"
#include "tests/node/rpc/rpc_fixture.h"
#include "tests/support/test_seed.h"

namespace imeisync::testing {
namespace {

using grpc::StatusCode;

// op1 served, with three registers in its state.
struct Op1State {
  RpcFederation fed;
  std::unique_ptr<node::core::Node> op1 = fed.Open("op1");
  ServedNode served{fed, *op1};

  Op1State() { SubmitSigned(*op1, Imeis(35209900176148, 3)); }

  grpc::Status Subtree(const std::string& caller, const std::string& prefix,
                       uint32_t depth, v1::Subtree* out = nullptr) {
    v1::SubtreeRequest r;
    r.set_prefix(prefix);
    r.set_depth(depth);
    v1::Subtree response;
    return served.StateSync(caller)->GetSubtree(
        Ctx().get(), r, out != nullptr ? out : &response);
  }
  grpc::Status Leaves(const std::string& caller, const std::string& prefix,
                      uint32_t depth, v1::Leaves* out = nullptr) {
    v1::SubtreeRequest r;
    r.set_prefix(prefix);
    r.set_depth(depth);
    v1::Leaves response;
    return served.StateSync(caller)->GetLeaves(
        Ctx().get(), r, out != nullptr ? out : &response);
  }
};

const std::string kZeros(32, '\0');

// Whether every nibble of `prefix` from `depth` on is zero, counted here
// independently of merkle::NibblePrefix.
bool ZeroBeyond(const std::string& prefix, uint32_t depth) {
  for (uint32_t i = depth; i < 64; ++i) {
    const auto byte = static_cast<uint8_t>(prefix[i / 2]);
    if ((i % 2 == 0 ? byte >> 4 : byte & 0xf) != 0) return false;
  }
  return true;
}

BOOST_FIXTURE_TEST_SUITE(state_sync_service, Op1State)

BOOST_AUTO_TEST_CASE(the_root_subtree_hashes_to_the_state_root) {
  v1::Subtree root;
  BOOST_TEST_REQUIRE(Subtree("op2", kZeros, 0, &root).ok());
  v1::Frontier frontier;
  BOOST_TEST_REQUIRE(
      served.Replication("op2")
          ->GetFrontier(Ctx().get(), v1::GetFrontierRequest(), &frontier)
          .ok());
  BOOST_TEST(root.hash() == frontier.state_root());
  v1::Leaves leaves;
  BOOST_TEST_REQUIRE(Leaves("op2", kZeros, 0, &leaves).ok());
  BOOST_TEST(leaves.keys_size() == 3);
}

BOOST_AUTO_TEST_CASE(a_depth_beyond_64_nibbles_is_refused) {
  for (uint32_t depth : {65u, 1000u, 0xffffffffu}) {
    BOOST_TEST_CONTEXT("depth " << depth) {
      const std::string why =
          "depth " + std::to_string(depth) + " is beyond 64 nibbles";
      BOOST_CHECK_GRPC(Subtree("op2", kZeros, depth),
                       StatusCode::INVALID_ARGUMENT, why);
      BOOST_CHECK_GRPC(Leaves("op2", kZeros, depth),
                       StatusCode::INVALID_ARGUMENT, why);
    }
  }
  BOOST_TEST(Subtree("op2", kZeros, 64).ok());
}

BOOST_AUTO_TEST_CASE(a_prefix_of_other_than_32_bytes_is_refused) {
  for (size_t size : {0u, 31u, 33u}) {
    BOOST_TEST_CONTEXT(size << " bytes") {
      const std::string why =
          "prefix must be 32 bytes, got " + std::to_string(size);
      BOOST_CHECK_GRPC(Subtree("op2", std::string(size, '\0'), 0),
                       StatusCode::INVALID_ARGUMENT, why);
      BOOST_CHECK_GRPC(Leaves("op2", std::string(size, '\0'), 0),
                       StatusCode::INVALID_ARGUMENT, why);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_prefix_with_nibbles_beyond_its_depth_is_refused) {
  std::string prefix = kZeros;
  prefix[0] = '\x10';  // nibble 0 is 1: fine at depth 1, not at depth 0
  BOOST_CHECK_GRPC(Subtree("op2", prefix, 0), StatusCode::INVALID_ARGUMENT,
                   "prefix has non-zero nibbles beyond depth 0");
  BOOST_TEST(Subtree("op2", prefix, 1).ok());
  prefix[0] = '\x01';  // nibble 1
  BOOST_CHECK_GRPC(Leaves("op2", prefix, 1), StatusCode::INVALID_ARGUMENT,
                   "prefix has non-zero nibbles beyond depth 1");
  BOOST_TEST(Leaves("op2", prefix, 2).ok());
}

BOOST_AUTO_TEST_CASE(random_prefixes_are_served_iff_zero_beyond_their_depth) {
  std::mt19937_64 rng(TestSeed("state_sync_random_prefixes"));
  for (int round = 0; round < 60; ++round) {
    const uint32_t depth = rng() % 65;
    std::string prefix = kZeros;
    // Mostly clean prefixes, some with one stray nibble anywhere.
    for (uint32_t i = 0; i < depth; ++i) {
      const uint8_t nibble = rng() % 16;
      prefix[i / 2] = static_cast<char>(static_cast<uint8_t>(prefix[i / 2]) |
                                        (i % 2 == 0 ? nibble << 4 : nibble));
    }
    if (rng() % 2) prefix[rng() % 32] ^= static_cast<char>(1 + rng() % 255);
    const bool clean = ZeroBeyond(prefix, depth);
    BOOST_TEST_CONTEXT("round " << round << ", depth " << depth) {
      const grpc::Status s = Subtree("op2", prefix, depth);
      if (clean) {
        BOOST_TEST(s.ok(), s.error_message());
      } else {
        BOOST_CHECK_GRPC(
            s, StatusCode::INVALID_ARGUMENT,
            "non-zero nibbles beyond depth " + std::to_string(depth));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_foreign_member_may_not_read_the_state) {
  BOOST_CHECK_GRPC(Subtree("fx", kZeros, 0), StatusCode::PERMISSION_DENIED,
                   "foreign member fx may not call StateSync.GetSubtree: a "
                   "link replicates logs, never the state");
  BOOST_CHECK_GRPC(Leaves("fx", kZeros, 0), StatusCode::PERMISSION_DENIED,
                   "foreign member fx may not call StateSync.GetLeaves");
  // Refused before the prefix is looked at.
  BOOST_CHECK_GRPC(Subtree("fx", "short", 99), StatusCode::PERMISSION_DENIED,
                   "foreign member fx");
}

BOOST_AUTO_TEST_CASE(a_caller_the_bundle_does_not_list_is_refused) {
  BOOST_CHECK_GRPC(Subtree("late", kZeros, 0), StatusCode::PERMISSION_DENIED,
                   "caller late is not a member of bundle version");
  BOOST_CHECK_GRPC(Leaves("late", kZeros, 0), StatusCode::PERMISSION_DENIED,
                   "caller late is not a member of bundle version");
}

BOOST_AUTO_TEST_CASE(a_foreign_members_node_serves_its_state_to_nobody) {
  auto fx = fed.Open("fx");
  ServedNode foreign(fed, *fx);
  v1::SubtreeRequest r;
  r.set_prefix(kZeros);
  v1::Subtree response;
  BOOST_CHECK_GRPC(
      foreign.StateSync("ministry")->GetSubtree(Ctx().get(), r, &response),
      StatusCode::PERMISSION_DENIED,
      "StateSync.GetSubtree is not served by fx, a foreign member's node");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::testing
