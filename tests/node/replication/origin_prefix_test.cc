#include "node/replication/origin_prefix.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace imeisync::node::replication {
namespace {

BOOST_AUTO_TEST_SUITE(origin_prefix)

BOOST_AUTO_TEST_CASE(is_the_length_byte_then_the_origin) {
  auto p = OriginPrefix("ab");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST((*p == Bytes{2, 'a', 'b'}));
}

BOOST_AUTO_TEST_CASE(accepts_255_bytes) {
  auto p = OriginPrefix(std::string(255, 'o'));
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p->size() == 256u);
  BOOST_TEST((*p)[0] == 255);
}

BOOST_AUTO_TEST_CASE(rejects_empty_and_256_bytes) {
  BOOST_TEST(OriginPrefix("").status() ==
             InvalidArgument("origin must be 1 to 255 bytes, got 0"));
  BOOST_TEST(OriginPrefix(std::string(256, 'o')).status() ==
             InvalidArgument("origin must be 1 to 255 bytes, got 256"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::replication
