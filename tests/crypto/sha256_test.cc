#include "crypto/sha256.h"

#include <boost/test/unit_test.hpp>

#include "base/hex.h"

namespace imeisync::crypto {
namespace {

BOOST_AUTO_TEST_SUITE(sha256)

// FIPS 180-2, Appendix B.1.
BOOST_AUTO_TEST_CASE(abc_known_answer) {
  BOOST_TEST(
      HexEncode(Sha256(AsBytes("abc"))) ==
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// FIPS 180-2, Appendix B.2 (two blocks).
BOOST_AUTO_TEST_CASE(two_block_known_answer) {
  BOOST_TEST(
      HexEncode(Sha256(AsBytes(
          "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

BOOST_AUTO_TEST_CASE(empty_input_is_the_rfc9162_empty_root) {
  BOOST_TEST(
      HexEncode(Sha256({})) ==
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

BOOST_AUTO_TEST_CASE(incremental_equals_one_shot_and_resets) {
  Sha256Hasher h;
  h.Update(AsBytes("a")).Update(AsBytes("")).Update(AsBytes("bc"));
  BOOST_TEST(h.Finish() == Sha256(AsBytes("abc")));
  // Finish() resets: the next message starts fresh.
  h.Update(AsBytes("abc"));
  BOOST_TEST(h.Finish() == Sha256(AsBytes("abc")));
}

BOOST_AUTO_TEST_CASE(prefixed_equals_sha256_of_the_concatenation) {
  Bytes a(32, 0xab), b(32, 0xcd);
  Bytes all{0x01};
  all.insert(all.end(), a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  BOOST_TEST(Sha256Prefixed(0x01, a, b) == Sha256(all));
  BOOST_TEST(Sha256Prefixed(0x00, {}) == Sha256(Bytes{0x00}));
  // RFC 6962 leaf hash of the empty leaf.
  BOOST_TEST(
      HexEncode(Sha256Prefixed(0x00, {})) ==
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
