#define BOOST_TEST_MODULE auditor
#include <boost/test/unit_test.hpp>
