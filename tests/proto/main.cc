#define BOOST_TEST_MODULE proto_test
#include <boost/test/unit_test.hpp>
