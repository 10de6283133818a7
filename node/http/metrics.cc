#include "node/http/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace imeisync::node::http {
namespace {

[[maybe_unused]] bool IsMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

[[maybe_unused]] bool IsLabelName(std::string_view s) {
  return IsMetricName(s) && s.find(':') == std::string_view::npos;
}

// Go's strconv.FormatFloat(v, 'g', -1, 64), which the official clients use,
// so that le="0.005" reads the same here as everywhere else: the shortest
// digits that read back exactly, in exponent form when the decimal exponent
// is below -4 or at least 6.
void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  auto r =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  // The exponent: "e", a sign, then digits (the buffer is not terminated).
  const size_t e = sci.find('e');
  int exp = 0;
  for (size_t i = e + 2; i < sci.size(); ++i) exp = exp * 10 + (sci[i] - '0');
  if (sci[e + 1] == '-') exp = -exp;
  if (exp < -4 || exp >= 6) {
    out += sci;
    return;
  }
  r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// The text format escapes backslash and line feed in HELP text, and also
// the double quote in label values.
void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// `{name="value",...}` for `labels` then `extra` (if not null); nothing when
// there are none.
void AppendLabels(std::string& out, std::span<const Label> labels,
                  const Label* extra) {
  if (labels.empty() && extra == nullptr) return;
  out += '{';
  bool first = true;
  auto one = [&](const Label& l) {
    assert(IsLabelName(l.name));
    if (!first) out += ',';
    first = false;
    out += l.name;
    out += "=\"";
    AppendEscapedLabelValue(out, l.value);
    out += '"';
  };
  for (const Label& l : labels) one(l);
  if (extra != nullptr) one(*extra);
  out += '}';
}

void AppendValue(std::string& out, double v) { AppendDouble(out, v); }
void AppendValue(std::string& out, uint64_t v) { AppendUint(out, v); }

// One sample line: <name><suffix>{labels,extra} <value>
template <class Value>
void AppendSampleLine(std::string& out, std::string_view name,
                      std::string_view suffix, std::span<const Label> labels,
                      const Label* extra, Value value) {
  out += name;
  out += suffix;
  AppendLabels(out, labels, extra);
  out += ' ';
  AppendValue(out, value);
  out += '\n';
}

}  // namespace

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  AppendEscaped(out, value, true);
}

void PrometheusWriter::Family(std::string_view name, std::string_view type,
                              std::string_view help) {
  assert(IsMetricName(name));
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusWriter::Sample(std::string_view name,
                              std::span<const Label> labels, double value) {
  assert(IsMetricName(name));
  AppendSampleLine(out_, name, "", labels, nullptr, value);
}

void PrometheusWriter::Sample(std::string_view name,
                              std::span<const Label> labels, uint64_t value) {
  assert(IsMetricName(name));
  AppendSampleLine(out_, name, "", labels, nullptr, value);
}

void PrometheusWriter::Counter(std::string_view name, std::string_view help,
                               uint64_t value) {
  Family(name, "counter", help);
  Sample(name, {}, value);
}

void PrometheusWriter::Gauge(std::string_view name, std::string_view help,
                             double value) {
  Family(name, "gauge", help);
  Sample(name, {}, value);
}

void LatencyHistogram::Observe(double seconds) {
  if (std::isnan(seconds)) return;
  if (seconds < 0) seconds = 0;
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  // Saturate at ~31 years rather than overflow the conversion.
  const double nanos = std::min(seconds, 1e9) * 1e9;
  sum_nanos_.fetch_add(static_cast<uint64_t>(std::llround(nanos)),
                       std::memory_order_relaxed);
}

uint64_t LatencyHistogram::count() const {
  uint64_t n = 0;
  for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
  return n;
}

void LatencyHistogram::Write(std::string& out, std::string_view name,
                             std::string_view help) const {
  PrometheusWriter w(out);
  w.Family(name, "histogram", help);
  WriteSamples(w, name, {});
}

void LatencyHistogram::WriteSamples(PrometheusWriter& writer,
                                    std::string_view name,
                                    std::span<const Label> labels) const {
  std::string& out = writer.out_;
  // Each bucket is read once and the count is their total, so the +Inf
  // bucket equals _count even while Observe() runs.
  uint64_t cumulative = 0;
  std::string le;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    le.clear();
    if (i < kBounds.size()) {
      AppendDouble(le, kBounds[i]);
    } else {
      le = "+Inf";
    }
    const Label le_label{"le", le};
    AppendSampleLine(out, name, "_bucket", labels, &le_label, cumulative);
  }
  const double sum =
      static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
  AppendSampleLine(out, name, "_sum", labels, nullptr, sum);
  AppendSampleLine(out, name, "_count", labels, nullptr, cumulative);
}

}  // namespace imeisync::node::http
