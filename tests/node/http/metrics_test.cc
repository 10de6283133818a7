// The Prometheus text writer and histograms (node/http/metrics.h).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <thread>

#include "tests/node/http/api_fixture.h"

namespace imeisync::node::http {
namespace {

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative_and_inf_equals_count) {
  LatencyHistogram h;
  for (double v : {30e-6, 50e-6, 300e-6, 3e-3, 1.0}) h.Observe(v);
  std::string out;
  h.Write(out, "imeisync_http_request_seconds", "Time to answer.");
  BOOST_TEST(out ==
             "# HELP imeisync_http_request_seconds Time to answer.\n"
             "# TYPE imeisync_http_request_seconds histogram\n"
             "imeisync_http_request_seconds_bucket{le=\"5e-05\"} 2\n"
             "imeisync_http_request_seconds_bucket{le=\"0.0001\"} 2\n"
             "imeisync_http_request_seconds_bucket{le=\"0.00025\"} 2\n"
             "imeisync_http_request_seconds_bucket{le=\"0.0005\"} 3\n"
             "imeisync_http_request_seconds_bucket{le=\"0.001\"} 3\n"
             "imeisync_http_request_seconds_bucket{le=\"0.0025\"} 3\n"
             "imeisync_http_request_seconds_bucket{le=\"0.005\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"0.01\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"0.025\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"0.1\"} 4\n"
             "imeisync_http_request_seconds_bucket{le=\"+Inf\"} 5\n"
             "imeisync_http_request_seconds_sum 1.00338\n"
             "imeisync_http_request_seconds_count 5\n");
}

BOOST_AUTO_TEST_CASE(histogram_ignores_nan_and_counts_negatives_as_zero) {
  LatencyHistogram h;
  h.Observe(std::nan(""));
  h.Observe(-1.0);
  BOOST_TEST(h.count() == 1u);
  std::string out;
  h.Write(out, "x", "h");
  BOOST_TEST(out.find("x_bucket{le=\"5e-05\"} 1\n") != std::string::npos);
  BOOST_TEST(out.find("x_sum 0\n") != std::string::npos, out);
}

// Reads the value of the sample line starting with `prefix`.
uint64_t SampleValue(const std::string& text, const std::string& prefix) {
  const size_t at = text.find("\n" + prefix + " ");
  BOOST_TEST_REQUIRE(at != std::string::npos, prefix);
  return std::stoull(text.substr(at + prefix.size() + 2));
}

BOOST_AUTO_TEST_CASE(histogram_is_consistent_under_concurrent_observers) {
  LatencyHistogram h;
  std::atomic<bool> done{false};
  std::vector<std::thread> observers;
  for (int t = 0; t < 3; ++t) {
    observers.emplace_back([&h, t] {
      for (int i = 0; i < 100000; ++i) h.Observe((i % 200) * 1e-4 * (t + 1));
    });
  }
  std::thread writer([&] {
    while (!done.load()) {
      std::string out;
      h.Write(out, "x", "h");
      BOOST_TEST(SampleValue(out, "x_bucket{le=\"+Inf\"}") ==
                 SampleValue(out, "x_count"));
    }
  });
  for (auto& t : observers) t.join();
  done = true;
  writer.join();
  BOOST_TEST(h.count() == 300000u);
}

BOOST_AUTO_TEST_CASE(label_values_and_help_are_escaped) {
  std::string out;
  PrometheusWriter w(out);
  w.Family("imeisync_peer_up", "gauge", "Peer \"up\"\\down\nsecond line.");
  w.Sample("imeisync_peer_up", {{"peer", "a\\b\"c\nd"}, {"tls", "yes"}}, 1.0);
  BOOST_TEST(out ==
             "# HELP imeisync_peer_up Peer \"up\"\\\\down\\nsecond line.\n"
             "# TYPE imeisync_peer_up gauge\n"
             "imeisync_peer_up{peer=\"a\\\\b\\\"c\\nd\",tls=\"yes\"} 1\n");
}

BOOST_AUTO_TEST_CASE(doubles_are_formatted_as_go_formats_them) {
  const std::pair<double, const char*> cases[] = {
      {0.0, "0"},
      {-2.5, "-2.5"},
      {1e-5, "1e-05"},
      {0.0001, "0.0001"},
      {123456.0, "123456"},
      {999999.5, "999999.5"},
      {1e6, "1e+06"},
      {1.5e300, "1.5e+300"},
      {-1e-300, "-1e-300"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"}};
  for (const auto& [value, text] : cases) {
    BOOST_TEST_CONTEXT(text) {
      std::string out;
      PrometheusWriter(out).Sample("x", {}, value);
      BOOST_TEST(out == "x " + std::string(text) + "\n");
    }
  }
}

BOOST_AUTO_TEST_CASE(counters_gauges_and_labelled_histograms) {
  std::string out;
  PrometheusWriter w(out);
  w.Counter("imeisync_requests_total", "Requests.",
            uint64_t{18446744073709551615u});
  w.Gauge("imeisync_ratio", "Ratio.", 0.25);
  w.Family("imeisync_big", "gauge", "Big.");
  w.Sample("imeisync_big", {}, 1e6);
  w.Sample("imeisync_big", {{"k", "v"}}, 123456.0);
  w.Sample("imeisync_big", {{"k", "inf"}},
           std::numeric_limits<double>::infinity());
  w.Sample("imeisync_big", {{"k", "nan"}}, std::nan(""));
  LatencyHistogram h;
  h.Observe(0.002);
  w.Family("imeisync_lat_seconds", "histogram", "Latency.");
  const Label labels[] = {{"route", "eir"}};
  h.WriteSamples(w, "imeisync_lat_seconds", labels);
  BOOST_TEST(out.find("imeisync_requests_total 18446744073709551615\n") !=
             std::string::npos);
  BOOST_TEST(out.find("imeisync_ratio 0.25\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_big 1e+06\n") != std::string::npos, out);
  BOOST_TEST(out.find("imeisync_big{k=\"v\"} 123456\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_big{k=\"inf\"} +Inf\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_big{k=\"nan\"} NaN\n") != std::string::npos);
  BOOST_TEST(out.find("imeisync_lat_seconds_bucket{route=\"eir\",le=\"0.0025\"}"
                      " 1\n") != std::string::npos,
             out);
  BOOST_TEST(out.find("imeisync_lat_seconds_count{route=\"eir\"} 1\n") !=
             std::string::npos);
  BOOST_TEST(out.find("imeisync_lat_seconds_sum{route=\"eir\"} 0.002\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace imeisync::node::http
