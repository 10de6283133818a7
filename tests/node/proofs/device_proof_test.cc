#include "node/proofs/device_proof.h"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>

#include "node/proofs/proof_verifier.h"
#include "node/proofs/prover.h"
#include "node/core/node.h"
#include "node/federation/node_config.h"
#include "node/federation/setup.h"
#include "node/imei.h"
#include "tests/support/node_federation.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_seed.h"

namespace imeisync::node::proofs {
namespace {

using testing::TempDir;
using verdict::Rule;
using verdict::Verdict;

const std::string kStolen = "356938035643809";
const std::string kUnknown = "490154203237518";
const std::string kOther = "35391805315842";  // 14 digits: no check digit

class Federation : public testing::NodeFederation {
 public:
  DeviceProof Prove(node::core::Node& node, const std::string& imei) {
    auto proof = BuildDeviceProof(node, Tag(imei));
    BOOST_TEST_REQUIRE(proof.ok(), proof.status().ToString());
    return *std::move(proof);
  }
};

// Decodes and verifies `json`; the status of whichever step failed.
Result<ProofFindings> DecodeAndVerify(const federation::Bundle& bundle,
                                      std::string_view json) {
  IMEISYNC_ASSIGN_OR_RETURN(DeviceProof proof, DecodeDeviceProof(json));
  return VerifyDeviceProof(bundle, proof);
}

void ExpectInvalid(const federation::Bundle& bundle, const DeviceProof& proof,
                   const std::string& want) {
  auto r = VerifyDeviceProof(bundle, proof);
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(r.status().message().find(want) != std::string::npos,
             r.status().message());
}

// The index of the first slot holding a register, over all origins.
std::pair<size_t, size_t> FirstPresent(const DeviceProof& proof) {
  for (size_t o = 0; o < proof.origins.size(); ++o) {
    for (size_t s = 0; s < proof.origins[o].slots.size(); ++s) {
      if (proof.origins[o].slots[s].reg) return {o, s};
    }
  }
  BOOST_FAIL("no register in the proof");
  return {0, 0};
}

// op1 blocks kStolen; op2 blocks kOther and reports kStolen LOST; op1
// holds both logs.
struct TwoOrigins : Federation {
  TwoOrigins() {
    Submit(op1(), Action::kBlock, Reason::kStolen, kStolen);
    Submit(op2(), Action::kBlock, Reason::kStolen, kOther);
    Submit(op2(), Action::kBlock, Reason::kLost, kStolen);
    Op1PullsOp2();
  }
};

BOOST_AUTO_TEST_SUITE(device_proof)

BOOST_FIXTURE_TEST_CASE(a_blocked_device_proves_blacklisted, TwoOrigins) {
  const DeviceProof proof = Prove(op1(), kStolen);
  const std::string json = EncodeDeviceProof(proof);
  auto found = DecodeAndVerify(bundle(), json);
  BOOST_TEST_REQUIRE(found.ok(), found.status().ToString());
  BOOST_TEST((found->verdict == Verdict::kBlacklisted));
  BOOST_TEST((found->rule == Rule::kEnforcedBlock));
  BOOST_TEST(found->node_id == "op1");
  BOOST_TEST(found->origins.size() == 2u);
  BOOST_TEST(found->keys == 2 * kSlotsPerOrigin);
  BOOST_TEST_REQUIRE(found->registers.size() == 2u);
  for (const FoundRegister& r : found->registers) {
    BOOST_TEST((r.reg.entry.action == Action::kBlock));
    BOOST_TEST(r.basis);
    BOOST_TEST(r.witnessed);
  }
  BOOST_TEST((found->tag == Tag(kStolen)));
}

BOOST_FIXTURE_TEST_CASE(an_unknown_device_proves_whitelisted_by_absence,
                        TwoOrigins) {
  auto found =
      DecodeAndVerify(bundle(), EncodeDeviceProof(Prove(op1(), kUnknown)));
  BOOST_TEST_REQUIRE(found.ok(), found.status().ToString());
  BOOST_TEST((found->verdict == Verdict::kWhitelisted));
  BOOST_TEST((found->rule == Rule::kNothingAgainst));
  BOOST_TEST(found->registers.empty());
  BOOST_TEST(found->keys == 2 * kSlotsPerOrigin);
}

BOOST_FIXTURE_TEST_CASE(a_cleared_block_proves_whitelisted, Federation) {
  Submit(op1(), Action::kBlock, Reason::kStolen, kStolen);
  Submit(op1(), Action::kClear, Reason::kStolen, kStolen);
  auto found = VerifyDeviceProof(bundle(), Prove(op1(), kStolen));
  BOOST_TEST_REQUIRE(found.ok(), found.status().ToString());
  BOOST_TEST((found->verdict == Verdict::kWhitelisted));
  BOOST_TEST_REQUIRE(found->registers.size() == 1u);
  BOOST_TEST((found->registers[0].reg.entry.action == Action::kClear));
  BOOST_TEST(found->registers[0].reg.index == 1u);
}

BOOST_FIXTURE_TEST_CASE(any_flipped_byte_fails_verification, TwoOrigins) {
  const std::string json = EncodeDeviceProof(Prove(op1(), kStolen));
  BOOST_TEST_REQUIRE(DecodeAndVerify(bundle(), json).ok());
  std::mt19937_64 rng(testing::TestSeed("any_flipped_byte_fails"));
  constexpr int kFlips = 1000;
  int parse_errors = 0;
  for (int i = 0; i < kFlips; ++i) {
    const size_t at = rng() % json.size();
    std::string bad = json;
    // Odd rounds: any other byte. Even rounds: another character of the
    // same class (hex digit, base64 character), which mostly parses and so
    // reaches the verifier.
    const char c = bad[at];
    const std::string_view hex = "0123456789abcdef";
    const std::string_view b64 =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string_view cls = hex.find(c) != std::string_view::npos ? hex
                                 : b64.find(c) != std::string_view::npos
                                     ? b64
                                     : std::string_view();
    if (i % 2 == 0 && !cls.empty()) {
      while (bad[at] == c) bad[at] = cls[rng() % cls.size()];
    } else {
      const uint8_t mask = static_cast<uint8_t>(1 + rng() % 255);
      bad[at] = static_cast<char>(static_cast<uint8_t>(c) ^ mask);
    }
    auto proof = DecodeDeviceProof(bad);
    if (!proof.ok()) {
      ++parse_errors;
      continue;
    }
    auto r = VerifyDeviceProof(bundle(), *proof);
    BOOST_TEST_REQUIRE(!r.ok(), "byte " << at << " changed from '" << c
                                        << "' to '" << bad[at]
                                        << "' still verifies");
  }
  BOOST_TEST_MESSAGE(kFlips << " flips of a " << json.size()
                            << "-byte proof: " << parse_errors
                            << " refused by the decoder, the rest by the "
                               "verifier");
  // Both layers were exercised: some flips parse and fail verification.
  BOOST_TEST(parse_errors > 0);
  BOOST_TEST(parse_errors < kFlips);
}

BOOST_FIXTURE_TEST_CASE(a_bundle_with_another_key_for_the_node_fails,
                        TwoOrigins) {
  const DeviceProof proof = Prove(op1(), kStolen);
  federation::Bundle other = bundle();
  for (federation::Member& m : other.members) {
    if (m.id == "op1") m.key = other.FindMember("op2")->key;
  }
  ExpectInvalid(other, proof, "state head");
}

BOOST_FIXTURE_TEST_CASE(another_bundle_version_is_refused, TwoOrigins) {
  DeviceProof proof = Prove(op1(), kStolen);
  federation::Bundle newer = bundle();
  ++newer.version;
  ExpectInvalid(newer, proof, "bundle version");
}

BOOST_FIXTURE_TEST_CASE(a_dropped_register_is_caught, TwoOrigins) {
  const DeviceProof proof = Prove(op1(), kStolen);
  const auto [o, s] = FirstPresent(proof);
  DeviceProof dropped = proof;
  dropped.origins[o].slots[s].reg.reset();
  ExpectInvalid(bundle(), dropped, "holds a register here");
  // Passing off another device's non-inclusion proof in its place: it may
  // fail on the path, on the root, or end at this very register's leaf.
  DeviceProof swapped = proof;
  swapped.origins[o].slots[s].reg.reset();
  swapped.origins[o].slots[s].state_proof =
      Prove(op1(), kUnknown).origins[o].slots[s].state_proof;
  ExpectInvalid(bundle(), swapped, "");
  DeviceProof no_origin = proof;
  no_origin.origins.erase(no_origin.origins.begin() + static_cast<long>(o));
  ExpectInvalid(bundle(), no_origin, "frontier has 2");
  DeviceProof no_slot = proof;
  no_slot.origins[o].slots.pop_back();
  ExpectInvalid(bundle(), no_slot, "slots");
}

BOOST_FIXTURE_TEST_CASE(a_register_the_tree_lacks_is_caught, TwoOrigins) {
  DeviceProof proof = Prove(op1(), kUnknown);
  const DeviceProof blocked = Prove(op1(), kStolen);
  const auto [o, s] = FirstPresent(blocked);
  proof.origins[o].slots[s].reg = blocked.origins[o].slots[s].reg;
  ExpectInvalid(bundle(), proof, "shows the key absent");
}

BOOST_FIXTURE_TEST_CASE(a_wrong_inclusion_proof_names_the_register,
                        TwoOrigins) {
  DeviceProof proof = Prove(op2(), kStolen);  // op2 has only its own log
  const auto [o, s] = FirstPresent(proof);
  ProvenRegister& reg = *proof.origins[o].slots[s].reg;
  BOOST_TEST_REQUIRE(!reg.inclusion.empty());
  reg.inclusion[0][0] ^= 1;
  ExpectInvalid(bundle(), proof,
                "(LOST statement, index 1): log inclusion proof does not "
                "lead to the checkpoint root");
}

BOOST_FIXTURE_TEST_CASE(a_changed_verdict_claim_is_caught, TwoOrigins) {
  DeviceProof proof = Prove(op1(), kStolen);
  proof.verdict = Verdict::kWhitelisted;
  proof.rule = Rule::kNothingAgainst;
  ExpectInvalid(bundle(), proof, "the proof claims WHITELISTED");
}

BOOST_FIXTURE_TEST_CASE(unsigned_entries_are_not_proven_until_signed,
                        Federation) {
  Submit(op1(), Action::kBlock, Reason::kStolen, kStolen, /*sign=*/false);
  auto early = BuildDeviceProof(op1(), Tag(kStolen));
  BOOST_TEST_REQUIRE(!early.ok());
  BOOST_TEST(early.status().code() == StatusCode::kUnavailable);
  BOOST_TEST(early.status().message().find("not yet covered") !=
             std::string::npos);
  // Absence needs no checkpoint: another device is provable meanwhile.
  BOOST_TEST(VerifyDeviceProof(bundle(), Prove(op1(), kUnknown)).ok());
  REQUIRE_OK(op1().own_log().SignCheckpoint());
  auto found = VerifyDeviceProof(bundle(), Prove(op1(), kStolen));
  BOOST_TEST_REQUIRE(found.ok(), found.status().ToString());
  BOOST_TEST((found->verdict == Verdict::kBlacklisted));
}

BOOST_FIXTURE_TEST_CASE(a_checkpoint_behind_the_frontier_is_tied_by_a_proof,
                        Federation) {
  Submit(op1(), Action::kBlock, Reason::kStolen, kStolen);
  for (int i = 0; i < 4; ++i) {
    Submit(op1(), Action::kBlock, Reason::kStolen, i % 2 ? kOther : kUnknown,
           /*sign=*/false);
  }
  DeviceProof proof = Prove(op1(), kStolen);
  BOOST_TEST_REQUIRE(proof.origins.size() == 1u);
  BOOST_TEST(!proof.origins[0].consistency.empty());
  auto found = VerifyDeviceProof(bundle(), proof);
  BOOST_TEST_REQUIRE(found.ok(), found.status().ToString());
  BOOST_TEST(found->origins[0].checkpoint_size == 1u);
  BOOST_TEST(found->origins[0].size == 5u);
  proof.origins[0].consistency.back()[31] ^= 1;
  ExpectInvalid(bundle(), proof, "consistency proof");
}

BOOST_FIXTURE_TEST_CASE(unwitnessed_registers_do_not_count, TwoOrigins) {
  const DeviceProof proof = Prove(op1(), kStolen);
  federation::Bundle strict = bundle();
  strict.policy.witness_quorum = 2;  // op1's checkpoints: no cosignatures
  auto found = CheckDeviceProof(strict, proof);
  BOOST_TEST_REQUIRE(found.ok(), found.status().ToString());
  BOOST_TEST((found->verdict == Verdict::kWhitelisted));
  BOOST_TEST_REQUIRE(found->registers.size() == 2u);
  for (const FoundRegister& r : found->registers) BOOST_TEST(!r.witnessed);
  // The claim (made under quorum 0) no longer holds.
  ExpectInvalid(strict, proof, "the proof claims BLACKLISTED");
}

BOOST_AUTO_TEST_CASE(decoding_names_the_field) {
  struct Case {
    std::string json, want;
  } cases[] = {
      {"[]", "(top level): is not an object"},
      {"{\"format\":1}", "lacks"},
      {"not json", "proof is not JSON"},
  };
  for (const Case& c : cases) {
    auto r = DecodeDeviceProof(c.json);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.status().message().find(c.want) != std::string::npos,
               r.status().message());
  }
}

BOOST_FIXTURE_TEST_CASE(decoding_refuses_upper_case_hex_and_extra_fields,
                        TwoOrigins) {
  const std::string json = EncodeDeviceProof(Prove(op1(), kStolen));
  BOOST_TEST_REQUIRE(DecodeDeviceProof(json).ok());
  std::string upper = json;
  const size_t tag_at = upper.find("\"tag\":\"") + 7;
  for (size_t i = tag_at; i < tag_at + 64; ++i) {
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  }
  if (upper != json) {
    auto r = DecodeDeviceProof(upper);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.status().message().find("tag") != std::string::npos);
  }
  std::string extra = json;
  extra.insert(1, "\"note\":\"x\",");
  auto r = DecodeDeviceProof(extra);
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("unknown field \"note\"") !=
             std::string::npos);
  BOOST_TEST((DecodeDeviceProof(json)->tag == Tag(kStolen)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::proofs
