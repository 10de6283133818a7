#define BOOST_TEST_MODULE audit
#include <boost/test/unit_test.hpp>
