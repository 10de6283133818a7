#include "node/http/http_api.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <utility>

#include "node/http/metrics.h"
#include "node/http/problem.h"

namespace imeisync::node::http {
namespace {

constexpr std::string_view kEirApiPrefix = "/n5g-eir-eic/";
constexpr std::string_view kEquipmentStatusPath =
    "/n5g-eir-eic/v1/equipment-status";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string DescribeByte(char c) {
  char buf[24];
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x21 && b < 0x7F) {
    std::snprintf(buf, sizeof buf, "character '%c'", c);
  } else {
    std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(b));
  }
  return buf;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding ('+' stays '+'). False if a '%' is not followed
// by two hex digits.
bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

HttpResponse Text(std::string_view content_type, std::string body) {
  HttpResponse r;
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  return r;
}

HttpResponse MethodNotAllowed() {
  HttpResponse r =
      Problem(405, "Method Not Allowed", "this resource answers GET only", "");
  r.headers.emplace_back("Allow", "GET");
  return r;
}

HttpResponse BadPei(std::string_view detail) {
  return Problem(400, "Bad Request", detail, "MANDATORY_QUERY_PARAM_INCORRECT");
}

HttpResponse BadSupi(std::string_view detail) {
  return Problem(400, "Bad Request", detail, "OPTIONAL_QUERY_PARAM_INCORRECT");
}

// "imsi-" then 5 to 15 digits (TS 29.571 Supi; other SUPI types are not
// served). Returns the digits.
std::optional<std::string> ParseImsiSupi(std::string_view supi) {
  constexpr std::string_view kPrefix = "imsi-";
  if (!supi.starts_with(kPrefix)) return std::nullopt;
  const std::string_view digits = supi.substr(kPrefix.size());
  if (digits.size() < 5 || digits.size() > 15) return std::nullopt;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
  }
  return std::string(digits);
}

HttpResponse FromHookError(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return BadPei(s.message());
    case StatusCode::kNotFound:
      // TS 29.511: "The equipment identify checking has failed because the
      // PEI is unknown."
      return Problem(404, "Not Found", s.message(), "ERROR_EQUIPMENT_UNKNOWN");
    case StatusCode::kResourceExhausted:
      spdlog::warn("equipment-status lookup failed: {}", s.ToString());
      return Problem(503, "Service Unavailable", s.message(), "NF_CONGESTION");
    case StatusCode::kUnavailable:
      spdlog::warn("equipment-status lookup failed: {}", s.ToString());
      return Problem(503, "Service Unavailable", s.message(), "");
    default:
      spdlog::warn("equipment-status lookup failed: {}", s.ToString());
      return Problem(500, "Internal Server Error", s.message(),
                     "SYSTEM_FAILURE");
  }
}

HttpResponse EquipmentStatusRoute(const HttpApiHooks& hooks,
                                  std::string_view query) {
  std::optional<std::string> pei_text;
  std::optional<std::string> supi_text;
  std::string key;
  std::string value;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    // A key that does not decode cannot name a parameter we know.
    if (!PercentDecode(pair.substr(0, eq), key)) continue;
    const bool is_pei = key == "pei";
    const bool is_supi = key == "supi";
    if (!is_pei && !is_supi) continue;  // e.g. gpsi, supported-features
    std::optional<std::string>& slot = is_pei ? pei_text : supi_text;
    if (slot.has_value()) {
      return is_pei
                 ? BadPei("the pei query parameter appears more than once")
                 : BadSupi("the supi query parameter appears more than once");
    }
    const std::string_view raw =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!PercentDecode(raw, value)) {
      return is_pei ? BadPei("pei has a malformed percent-escape")
                    : BadSupi("supi has a malformed percent-escape");
    }
    slot = value;
  }

  if (!pei_text.has_value()) {
    return Problem(400, "Bad Request", "the pei query parameter is required",
                   "MANDATORY_QUERY_PARAM_MISSING");
  }
  Result<Pei> pei = ParsePei(*pei_text);
  if (!pei.ok()) return BadPei(pei.status().message());
  std::optional<std::string> imsi;
  if (supi_text.has_value()) {
    imsi = ParseImsiSupi(*supi_text);
    if (!imsi.has_value()) {
      return BadSupi("supi must be \"imsi-\" followed by 5 to 15 digits");
    }
  }

  Result<EquipmentStatus> status = hooks.equipment_status(*pei, imsi);
  if (!status.ok()) return FromHookError(status.status());
  // EirResponseData, TS 29.511 clause 6.1.6.2.2.
  std::string body = "{\"status\":\"";
  body += EquipmentStatusName(*status);
  body += "\"}";
  return Text("application/json", std::move(body));
}

HttpResponse HealthRoute(const HttpApiHooks& hooks) {
  const Status s = hooks.health();
  if (s.ok()) return Text("text/plain; charset=utf-8", "ok\n");
  return Problem(503, "Service Unavailable", s.message(), "");
}

// The origin-form path of `target`: the absolute form
// ("http://host:port/path?q") loses its scheme and authority, and the query
// goes to `query`.
std::string_view SplitTarget(std::string_view target, std::string_view* query) {
  const size_t scheme_end = target.find("://");
  if (!target.starts_with('/') && scheme_end != std::string_view::npos) {
    const size_t path_start = target.find_first_of("/?", scheme_end + 3);
    target = path_start == std::string_view::npos ? std::string_view("/")
                                                  : target.substr(path_start);
  }
  const size_t q = target.find('?');
  *query =
      q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  std::string_view path = target.substr(0, q);
  if (path.empty()) path = "/";
  return path;
}

HttpResponse Route(const HttpApiHooks& hooks, const HttpRequest& request) {
  std::string_view query;
  const std::string_view path = SplitTarget(request.target, &query);
  const bool get = request.method == "GET";
  if (path == kEquipmentStatusPath && hooks.equipment_status) {
    if (!get) return MethodNotAllowed();
    return EquipmentStatusRoute(hooks, query);
  }
  if (path == "/metrics" && hooks.metrics) {
    if (!get) return MethodNotAllowed();
    return Text(kPrometheusContentType, hooks.metrics());
  }
  if (path == "/healthz" && hooks.health) {
    if (!get) return MethodNotAllowed();
    return HealthRoute(hooks);
  }
  if (path.starts_with(kEirApiPrefix)) {
    const std::string_view version = path.substr(kEirApiPrefix.size());
    if (version != "v1" && !version.starts_with("v1/")) {
      return Problem(400, "Bad Request",
                     "unsupported API version; this node serves "
                     "n5g-eir-eic v1",
                     "INVALID_API");
    }
  }
  return Problem(404, "Not Found", "no resource at this path",
                 "RESOURCE_URI_STRUCTURE_NOT_FOUND");
}

}  // namespace

std::string_view EquipmentStatusName(EquipmentStatus status) {
  switch (status) {
    case EquipmentStatus::kWhitelisted:
      return "WHITELISTED";
    case EquipmentStatus::kGreylisted:
      return "GREYLISTED";
    case EquipmentStatus::kBlacklisted:
      return "BLACKLISTED";
  }
  return "BLACKLISTED";  // unreachable; fail closed
}

Result<Pei> ParsePei(std::string_view pei) {
  if (pei.empty()) return InvalidArgument("empty PEI");
  Pei out;
  size_t prefix = 0;
  size_t expected = 0;
  if (pei.starts_with("imeisv-")) {
    out.imeisv = true;
    prefix = 7;
    expected = 16;
  } else if (pei.starts_with("imei-")) {
    prefix = 5;
    expected = 15;
  } else {
    return InvalidArgument("PEI must start with \"imei-\" or \"imeisv-\"");
  }
  const std::string_view digits = pei.substr(prefix);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (!IsDigit(digits[i])) {
      return InvalidArgument(DescribeByte(digits[i]) + " at position " +
                             std::to_string(prefix + i + 1) +
                             " of the PEI is not a digit");
    }
  }
  if (digits.size() != expected) {
    return InvalidArgument(std::string(out.imeisv ? "imeisv-" : "imei-") +
                           " PEI has " + std::to_string(digits.size()) +
                           " digits; expected " + std::to_string(expected));
  }
  out.digits = std::string(digits);
  return out;
}

HttpHandler MakeHttpApi(HttpApiHooks hooks) {
  auto shared = std::make_shared<const HttpApiHooks>(std::move(hooks));
  return
      [shared](const HttpRequest& request) { return Route(*shared, request); };
}

}  // namespace imeisync::node::http
