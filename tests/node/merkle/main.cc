#define BOOST_TEST_MODULE merkle_test
#include <boost/test/unit_test.hpp>
