#define BOOST_TEST_MODULE node_store_test
#include <boost/test/unit_test.hpp>
