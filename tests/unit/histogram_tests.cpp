// The latency histogram behind /metrics: which bucket a duration lands in,
// since the benchmark's server quantiles are read from these buckets.
#include <boost/test/unit_test.hpp>

#include "commands/histogram.hpp"

using chronicle::commands::histogram;

namespace {
// The index of the bucket whose upper bound is `seconds`.
std::size_t bucket_of(double seconds) {
  for (std::size_t i = 0; i < histogram::bounds.size(); ++i)
    if (histogram::bounds[i] == seconds) return i;
  BOOST_FAIL("no bucket with bound " << seconds);
  return 0;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(latency_histogram)

BOOST_AUTO_TEST_CASE(bounds_increase_and_include_the_read_targets) {
  for (std::size_t i = 1; i < histogram::bounds.size(); ++i) BOOST_TEST(histogram::bounds[i - 1] < histogram::bounds[i]);
  bucket_of(0.002);  // a lookup's p99 target
  bucket_of(0.01);   // a page's p99 target
}

BOOST_AUTO_TEST_CASE(a_duration_lands_in_the_first_bucket_whose_bound_it_does_not_exceed) {
  histogram h;
  h.observe_us(2000);                       // exactly 2 ms: le="0.002"
  h.observe_us(2001);                       // just over: the next bound, 2.5 ms
  h.observe_us(1400);                       // le="0.0015"
  h.observe_us(3'000'000);                  // beyond the last bound: +Inf
  BOOST_TEST(h.count(bucket_of(0.002)) == 1u);
  BOOST_TEST(h.count(bucket_of(0.0025)) == 1u);
  BOOST_TEST(h.count(bucket_of(0.0015)) == 1u);
  BOOST_TEST(h.count(histogram::bounds.size()) == 1u);
  BOOST_TEST(h.total() == 4u);
  BOOST_TEST(h.sum_seconds() == 3.005401, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
