// Reading the RFC 9380 vector files of tests/vectors/hash-to-curve/ (copied
// unchanged from ../shared/vectors/), for the hash_to_field and
// hash_to_curve tests.
#ifndef IMEISYNC_TESTS_CRYPTO_H2C_VECTORS_H_
#define IMEISYNC_TESTS_CRYPTO_H2C_VECTORS_H_

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "base/bytes.h"
#include "base/hex.h"

namespace imeisync::crypto::testing {

// The parsed file tests/vectors/hash-to-curve/`name`.
inline nlohmann::json LoadH2cVectors(const std::string& name) {
  std::ifstream in(std::string(IMEISYNC_TEST_VECTORS) + "/hash-to-curve/" +
                   name);
  BOOST_TEST_REQUIRE(in.good(), name);
  return nlohmann::json::parse(in);
}

// "0x..." to 32 bytes, big-endian.
inline Hash32 FieldElement(const std::string& text) {
  BOOST_TEST_REQUIRE(text.rfind("0x", 0) == 0u);
  auto bytes = HexDecode(text.substr(2));
  BOOST_TEST_REQUIRE(bytes.ok());
  BOOST_TEST_REQUIRE(bytes->size() == 32u);
  Hash32 h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

}  // namespace imeisync::crypto::testing

#endif  // IMEISYNC_TESTS_CRYPTO_H2C_VECTORS_H_
