#define BOOST_TEST_MODULE state_test
#include <boost/test/unit_test.hpp>
