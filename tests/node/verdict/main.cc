#define BOOST_TEST_MODULE verdict_test
#include <boost/test/unit_test.hpp>
