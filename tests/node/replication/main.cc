#define BOOST_TEST_MODULE replication_test
#include <boost/test/unit_test.hpp>
