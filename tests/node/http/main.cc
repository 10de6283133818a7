#define BOOST_TEST_MODULE node_http_test
#include <boost/test/unit_test.hpp>
