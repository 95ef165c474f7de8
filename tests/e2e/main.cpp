#define BOOST_TEST_MODULE chronicle_e2e
#include <boost/test/unit_test.hpp>
