// The one translation unit that defines the contract test module and its
// main(); every other file in this executable only includes
// boost/test/unit_test.hpp.
#define BOOST_TEST_MODULE chronicle_contract_tests
#include <boost/test/unit_test.hpp>
