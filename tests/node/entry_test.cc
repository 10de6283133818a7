#include "node/entry.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "base/hex.h"
#include "tests/support/test_seed.h"

namespace imeisync::node {
namespace {

Entry Sample() {
  Entry e;
  e.action = Action::kBlock;
  e.reason = Reason::kStolen;
  for (size_t i = 0; i < e.tag.size(); ++i) e.tag[i] = static_cast<uint8_t>(i);
  e.issued_at_ms = 1764000000000;  // 2025-11-24T16:00:00Z
  return e;
}

std::string DecodeError(ByteView bytes) {
  auto r = DecodeEntry(bytes);
  BOOST_TEST_REQUIRE(!r.ok(), "expected a rejection");
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

BOOST_AUTO_TEST_SUITE(entry)

// The layout of docs/formats.md, byte for byte.
BOOST_AUTO_TEST_CASE(encoding_matches_the_documented_layout) {
  EncodedEntry enc = EncodeEntry(Sample());
  BOOST_TEST(HexEncode(enc) ==
             "01"  // version
             "01"  // action BLOCK
             "01"  // reason STOLEN
             "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
             "0000019ab697e800");  // issued_at_ms, big-endian
}

BOOST_AUTO_TEST_CASE(round_trips_every_action_and_reason) {
  for (int a = 1; a <= 5; ++a) {
    for (int r = 1; r <= 8; ++r) {
      Entry e = Sample();
      e.action = static_cast<Action>(a);
      e.reason = static_cast<Reason>(r);
      auto back = DecodeEntry(EncodeEntry(e));
      BOOST_REQUIRE(back.ok());
      BOOST_TEST((*back == e));
    }
  }
}

BOOST_AUTO_TEST_CASE(random_entries_round_trip) {
  std::mt19937_64 rng(testing::TestSeed("random_entries_round_trip"));
  for (int n = 0; n < 1000; ++n) {
    Entry e;
    e.action = static_cast<Action>(1 + rng() % 5);
    e.reason = static_cast<Reason>(1 + rng() % 8);
    for (auto& b : e.tag) b = static_cast<uint8_t>(rng());
    e.issued_at_ms = rng() & kMaxIssuedAtMs;
    auto back = DecodeEntry(EncodeEntry(e));
    BOOST_REQUIRE(back.ok());
    BOOST_REQUIRE((*back == e));
  }
}

BOOST_AUTO_TEST_CASE(rejects_short_and_trailing_bytes) {
  EncodedEntry enc = EncodeEntry(Sample());
  Bytes bytes(enc.begin(), enc.end());
  BOOST_TEST(DecodeError(ByteView(bytes).first(42)) ==
             "entry is 42 bytes; the canonical encoding is exactly 43");
  bytes.push_back(0);
  BOOST_TEST(DecodeError(bytes) ==
             "entry is 44 bytes; the canonical encoding is exactly 43 "
             "(trailing bytes)");
  BOOST_TEST(DecodeError({}).find("entry is 0 bytes") == 0u);
}

BOOST_AUTO_TEST_CASE(rejects_unknown_version_action_and_reason) {
  EncodedEntry enc = EncodeEntry(Sample());
  auto with = [&](size_t at, uint8_t v) {
    EncodedEntry copy = enc;
    copy[at] = v;
    return copy;
  };
  BOOST_TEST(DecodeError(with(0, 2)) ==
             "entry byte 0: unknown version 2 (expected 1)");
  BOOST_TEST(DecodeError(with(0, 0)) ==
             "entry byte 0: unknown version 0 (expected 1)");
  BOOST_TEST(DecodeError(with(1, 0)) ==
             "entry byte 1: unknown action 0 (valid: 1-5)");
  BOOST_TEST(DecodeError(with(1, 6)) ==
             "entry byte 1: unknown action 6 (valid: 1-5)");
  BOOST_TEST(DecodeError(with(2, 0)) ==
             "entry byte 2: unknown reason 0 (valid: 1-8)");
  BOOST_TEST(DecodeError(with(2, 9)) ==
             "entry byte 2: unknown reason 9 (valid: 1-8)");
  BOOST_TEST(DecodeError(with(2, 255)) ==
             "entry byte 2: unknown reason 255 (valid: 1-8)");
}

BOOST_AUTO_TEST_CASE(rejects_issued_at_above_int64) {
  EncodedEntry enc = EncodeEntry(Sample());
  enc[35] = 0x80;
  BOOST_TEST(DecodeError(enc).find("entry bytes 35-42: issued_at_ms") == 0u);
}

BOOST_AUTO_TEST_CASE(names_parse_case_insensitively_and_round_trip) {
  BOOST_TEST(ActionName(Action::kDeregister) == "DEREGISTER");
  BOOST_TEST(ReasonName(Reason::kForeignStolen) == "FOREIGN_STOLEN");
  BOOST_TEST((ParseAction("block") == Action::kBlock));
  BOOST_TEST((ParseReason("Court_Order") == Reason::kCourtOrder));
  BOOST_TEST(!ParseAction("blocked").has_value());
  BOOST_TEST(!ParseReason("").has_value());
  for (int r = 1; r <= 8; ++r) {
    auto reason = static_cast<Reason>(r);
    BOOST_TEST((ParseReason(ReasonName(reason)) == reason));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node
