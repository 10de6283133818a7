#include "crypto/random.h"

#include <boost/test/unit_test.hpp>

#include "crypto/constant_time.h"

namespace imeisync::crypto {
namespace {

BOOST_AUTO_TEST_SUITE(random_bytes)

BOOST_AUTO_TEST_CASE(fills_the_buffer_and_differs_between_calls) {
  auto a = Random32();
  auto b = Random32();
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(*a != *b);
  BOOST_TEST(*a != Hash32{});
  // A large request is filled to the end, not just a prefix.
  Bytes big(100000, 0);
  BOOST_REQUIRE(RandomBytes(big).ok());
  size_t zeros_in_tail = 0;
  for (size_t i = big.size() - 64; i < big.size(); ++i)
    zeros_in_tail += big[i] == 0;
  BOOST_TEST(zeros_in_tail < 64u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(constant_time)

BOOST_AUTO_TEST_CASE(equal_only_for_identical_bytes) {
  Bytes a{1, 2, 3, 4};
  Bytes b{1, 2, 3, 4};
  BOOST_TEST(ConstantTimeEqual(a, b));
  b[3] = 5;
  BOOST_TEST(!ConstantTimeEqual(a, b));
  b[3] = 4;
  b[0] = 0;
  BOOST_TEST(!ConstantTimeEqual(a, b));
  BOOST_TEST(!ConstantTimeEqual(a, ByteView(a).first(3)));
  BOOST_TEST(ConstantTimeEqual({}, {}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::crypto
