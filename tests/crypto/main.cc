#define BOOST_TEST_MODULE crypto_test
#include <boost/test/unit_test.hpp>
