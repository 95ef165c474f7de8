#define BOOST_TEST_MODULE chronicle_integration
#include <boost/test/unit_test.hpp>
