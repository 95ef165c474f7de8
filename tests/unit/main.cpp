// The one translation unit that defines the unit test module and its main();
// every other file in this executable only includes boost/test/unit_test.hpp.
#define BOOST_TEST_MODULE chronicle_unit_tests
#include <boost/test/unit_test.hpp>
