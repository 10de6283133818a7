#define BOOST_TEST_MODULE cli_test
#include <boost/test/unit_test.hpp>
