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
             "entry is 42 bytes; the canonical encoding is at least 43");
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
  BOOST_TEST(DecodeError(with(0, 3)) ==
             "entry byte 0: unknown version 3 (expected 1 or 2)");
  BOOST_TEST(DecodeError(with(0, 0)) ==
             "entry byte 0: unknown version 0 (expected 1 or 2)");
  // Version 2 needs the source that version 1 lacks.
  BOOST_TEST(DecodeError(with(0, 2)) ==
             "entry byte 43: a version 2 entry needs a source of 1-255 bytes");
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

BOOST_AUTO_TEST_CASE(sourced_entry_is_version_2_with_the_source_appended) {
  Entry e = Sample();
  e.source = "imeisync/kz/op1";
  const EncodedEntry enc = EncodeEntry(e);
  BOOST_REQUIRE(enc.size() == 43u + 1 + 15);
  BOOST_TEST(enc[0] == 2);
  Entry v1 = Sample();
  const EncodedEntry plain = EncodeEntry(v1);
  BOOST_TEST((std::equal(plain.begin() + 1, plain.end(), enc.begin() + 1)));
  BOOST_TEST(enc[43] == 15);
  BOOST_TEST(AsChars(ByteView(enc).subspan(44)) == "imeisync/kz/op1");
  auto back = DecodeEntry(enc);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST((*back == e));

  // A stream of both versions parses entry by entry.
  Bytes stream = plain;
  AppendEntry(stream, e);
  AppendEntry(stream, v1);
  size_t at = 0, size = 0;
  std::vector<Entry> got;
  while (at < stream.size()) {
    auto one = DecodeEntryPrefix(ByteView(stream).subspan(at), &size);
    BOOST_REQUIRE(one.ok());
    got.push_back(*one);
    at += size;
  }
  BOOST_REQUIRE(got.size() == 3u);
  BOOST_TEST((got[1] == e));
  BOOST_TEST((got[2] == v1));
}

BOOST_AUTO_TEST_CASE(rejects_malformed_sources) {
  Entry e = Sample();
  e.source = "imeisync/kz/op1";
  const EncodedEntry enc = EncodeEntry(e);
  BOOST_TEST(DecodeError(ByteView(enc).first(50)) ==
             "entry byte 43: source of 15 bytes, but only 6 follow");
  EncodedEntry upper = enc;
  upper[46] = 'X';
  BOOST_TEST(DecodeError(upper) ==
             "entry byte 46: the source may hold only [a-z0-9/-]");
  EncodedEntry empty(enc.begin(), enc.begin() + 44);
  empty[43] = 0;
  BOOST_TEST(DecodeError(empty) ==
             "entry byte 43: a version 2 entry needs a source of 1-255 bytes");
  EncodedEntry trailing = enc;
  trailing.push_back('a');
  BOOST_TEST(DecodeError(trailing) ==
             "entry is 60 bytes; the canonical encoding is exactly 59 "
             "(trailing bytes)");
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
