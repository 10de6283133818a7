#define BOOST_TEST_MODULE base_test
#include <boost/test/unit_test.hpp>
