#include "crypto/hmac.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "base/hex.h"

namespace imeisync::crypto {
namespace {

// RFC 4231, section 4: HMAC-SHA-256 results of test cases 1-4, 6 and 7.
// (Case 5 tests truncated output, which imeisync never uses.)
struct Rfc4231Case {
  int number;
  Bytes key;
  Bytes data;
  std::string mac;
};

Bytes Repeat(uint8_t b, size_t n) { return Bytes(n, b); }
Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes Range(uint8_t from, uint8_t to) {
  Bytes out;
  for (int b = from; b <= to; ++b) out.push_back(static_cast<uint8_t>(b));
  return out;
}

std::vector<Rfc4231Case> Cases() {
  return {
      {1, Repeat(0x0b, 20), Text("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {2, Text("Jefe"), Text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {3, Repeat(0xaa, 20), Repeat(0xdd, 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {4, Range(0x01, 0x19), Repeat(0xcd, 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {6, Repeat(0xaa, 131),
       Text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {7, Repeat(0xaa, 131),
       Text("This is a test using a larger than block-size key and a larger "
            "than block-size data. The key needs to be hashed before being "
            "used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

BOOST_AUTO_TEST_SUITE(hmac_sha256)

BOOST_AUTO_TEST_CASE(rfc4231_known_answers_one_shot) {
  for (const auto& c : Cases()) {
    BOOST_TEST_CONTEXT("RFC 4231 test case " << c.number) {
      BOOST_TEST(HexEncode(HmacSha256(c.key, c.data)) == c.mac);
    }
  }
}

BOOST_AUTO_TEST_CASE(rfc4231_known_answers_incremental_and_reused) {
  for (const auto& c : Cases()) {
    BOOST_TEST_CONTEXT("RFC 4231 test case " << c.number) {
      HmacSha256Hasher h(c.key);
      ByteView data = c.data;
      h.Update(data.first(data.size() / 3))
          .Update(data.subspan(data.size() / 3));
      BOOST_TEST(HexEncode(h.Finish()) == c.mac);
      // The same hasher, after Finish(), computes the next message afresh.
      h.Update(c.data);
      BOOST_TEST(HexEncode(h.Finish()) == c.mac);
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_key_is_allowed) {
  // HMAC with an empty key is well defined; OpenSSL needs a non-null pointer.
  BOOST_TEST(
      HexEncode(HmacSha256({}, {})) ==
      "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
