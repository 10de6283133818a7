// Building blocks for the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/):
//
//   # HELP <name> <help, with \ and newline escaped>
//   # TYPE <name> counter|gauge|histogram
//   <name>{<label>="<value, with \ " and newline escaped>",...} <value>
//
// Values are written in the shortest form that reads back exactly, with
// +Inf, -Inf and NaN spelled so.
#ifndef IMEISYNC_NODE_HTTP_METRICS_H_
#define IMEISYNC_NODE_HTTP_METRICS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace imeisync::node::http {

// The content type of a /metrics answer in this format.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

struct Label {
  std::string_view name;   // REQUIRES: matches [a-zA-Z_][a-zA-Z0-9_]*
  std::string_view value;  // any bytes; escaped on output
};

// Appends metric families to a string. Metric names must match
// [a-zA-Z_:][a-zA-Z0-9_:]*; that is checked by assert only, since names are
// constants of the program, never input.
class PrometheusWriter {
 public:
  // `out` must outlive the writer; text is appended to it.
  explicit PrometheusWriter(std::string& out) : out_(out) {}

  // Writes the # HELP and # TYPE lines of a family. Call once per family,
  // before its samples. `type` is "counter", "gauge", "histogram", ...
  void Family(std::string_view name, std::string_view type,
              std::string_view help);

  // Writes one sample line; empty `labels` writes no braces. Pass the value
  // as uint64_t or double: a plain int literal is ambiguous.
  void Sample(std::string_view name, std::span<const Label> labels,
              double value);
  void Sample(std::string_view name, std::span<const Label> labels,
              uint64_t value);
  void Sample(std::string_view name, std::initializer_list<Label> labels,
              double value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void Sample(std::string_view name, std::initializer_list<Label> labels,
              uint64_t value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }

  // A whole family of one unlabelled sample.
  void Counter(std::string_view name, std::string_view help, uint64_t value);
  void Gauge(std::string_view name, std::string_view help, double value);

 private:
  friend class LatencyHistogram;

  std::string& out_;
};

// Appends `value` to `out` with \, " and newline escaped as the format wants
// inside a label value.
void AppendEscapedLabelValue(std::string& out, std::string_view value);

// A latency histogram with fixed buckets. Observe() is lock-free and may be
// called from any number of threads, concurrently with Write().
class LatencyHistogram {
 public:
  // Upper bounds (seconds) of the finite buckets; a +Inf bucket follows.
  static constexpr std::array<double, 10> kBounds = {
      50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 100e-3};

  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  // Counts one observation of `seconds`: in the first bucket whose bound is
  // >= seconds (bounds are inclusive, as Prometheus' "le" says), else +Inf.
  // Negative values count as 0 and NaN is ignored. The sum is kept in whole
  // nanoseconds, so it cannot drift however many values are added.
  void Observe(double seconds);

  // Appends the whole family: # HELP, # TYPE histogram, then
  // <name>_bucket{le="..."} cumulative counts ending with le="+Inf",
  // <name>_sum and <name>_count. The +Inf bucket always equals _count, even
  // while other threads observe.
  void Write(std::string& out, std::string_view name,
             std::string_view help) const;
  // Appends only the sample lines, each with `labels` (then le="..." on the
  // buckets): for a family of several labelled histograms, after one
  // PrometheusWriter::Family(name, "histogram", help).
  void WriteSamples(PrometheusWriter& writer, std::string_view name,
                    std::span<const Label> labels) const;

  // Observations so far (a snapshot).
  uint64_t count() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1>
      buckets_{};  // +Inf last
  std::atomic<uint64_t> sum_nanos_{0};
};

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_METRICS_H_
