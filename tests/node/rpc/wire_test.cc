#include "node/rpc/wire.h"

#include <boost/test/unit_test.hpp>
#include <random>

#include "tests/support/test_seed.h"

namespace imeisync::node::rpc {
namespace {

BOOST_AUTO_TEST_SUITE(wire)

BOOST_AUTO_TEST_CASE(packed_entries_unpack_to_the_same) {
  std::mt19937_64 rng(testing::TestSeed("packed_entries_unpack"));
  std::vector<Entry> entries;
  for (int i = 0; i < 500; ++i) {
    Entry e{static_cast<Action>(1 + rng() % 5),
            static_cast<Reason>(1 + rng() % 8),
            {},
            rng() >> 1};
    for (auto& b : e.tag) b = static_cast<uint8_t>(rng());
    entries.push_back(e);
  }
  std::string packed = PackEntries(entries);
  BOOST_TEST(packed.size() == 500 * kEncodedEntrySize);
  auto back = UnpackEntries(packed, 0);
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST((*back == entries));
  BOOST_TEST(kEntriesPerChunk * kEncodedEntrySize <= kMaxChunkBytes);
}

BOOST_AUTO_TEST_CASE(export_entries_with_sources_pack_among_plain_ones) {
  std::mt19937_64 rng(testing::TestSeed("packed_sourced_entries"));
  std::vector<Entry> entries;
  size_t bytes = 0;
  for (int i = 0; i < 300; ++i) {
    Entry e{Action::kBlock, Reason::kStolen, {}, rng() >> 1};
    for (auto& b : e.tag) b = static_cast<uint8_t>(rng());
    if (rng() % 2) e.source = "imeisync/kz/op" + std::to_string(rng() % 1000);
    bytes += EncodeEntry(e).size();
    entries.push_back(e);
  }
  std::string packed = PackEntries(entries);
  BOOST_TEST(packed.size() == bytes);
  auto back = UnpackEntries(packed, 0);
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST((*back == entries));
}

BOOST_AUTO_TEST_CASE(bad_bytes_name_the_entry) {
  Entry e{Action::kBlock, Reason::kStolen, {}, 1};
  std::string packed = PackEntries(std::vector<Entry>(3, e));
  auto r = UnpackEntries(packed.substr(0, packed.size() - 1), 10);
  BOOST_TEST(r.status().message() ==
             "entry 12 (byte 86): entry is 42 bytes; the canonical encoding "
             "is at least 43");
  packed[kEncodedEntrySize * 2 + 1] = 9;  // the third entry's action
  r = UnpackEntries(packed, 10);
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(r.status().message().find("entry 12") != std::string::npos,
             r.status().message());
  BOOST_TEST(!ParseHash(std::string(31, 'x'), "root").ok());
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash_the_decoder) {
  std::mt19937_64 rng(testing::TestSeed("random_entry_bytes"));
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 200, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    auto r = UnpackEntries(junk, 0);
    // Whatever parses is canonical: it packs back to exactly the input.
    if (r.ok()) BOOST_TEST((PackEntries(*r) == junk));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::rpc
