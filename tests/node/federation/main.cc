#define BOOST_TEST_MODULE federation_test
#include <boost/test/unit_test.hpp>
