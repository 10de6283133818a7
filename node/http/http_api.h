// The node's HTTP API: routes requests to hooks the daemon provides.
//
//   GET /n5g-eir-eic/v1/equipment-status?pei=<pei>[&supi=<supi>]
//       3GPP TS 29.511 N5g-eir_EquipmentIdentityCheck Get.
//       200 application/json
//       {"status":"WHITELISTED"|"GREYLISTED"|"BLACKLISTED"} (EirResponseData).
//       Query values are percent-decoded; parameters other than pei and supi
//       (gpsi, supported-features, ...) are ignored.
//   GET /metrics   200 text/plain; version=0.0.4; charset=utf-8
//   GET /healthz   200 text/plain "ok\n", or a 503 problem
//
// Errors are application/problem+json (see problem.h), with TS 29.500
// Table 5.2.7.2-1 / TS 29.511 causes:
//   400 MANDATORY_QUERY_PARAM_MISSING    no pei
//   400 MANDATORY_QUERY_PARAM_INCORRECT  pei malformed or repeated, or the
//                                        hook says InvalidArgument
//   400 OPTIONAL_QUERY_PARAM_INCORRECT   supi malformed or repeated
//   400 INVALID_API                      /n5g-eir-eic/<not v1>/...
//   404 ERROR_EQUIPMENT_UNKNOWN          the hook says NotFound
//   404 RESOURCE_URI_STRUCTURE_NOT_FOUND any other path
//   405 (no cause; Allow: GET)           a method other than GET
//   503 NF_CONGESTION                    the hook says ResourceExhausted
//   503 (no cause)                       the hook says Unavailable, or
//                                        health() is not OK
//   500 SYSTEM_FAILURE                   any other hook error
// Problem details quote only what a person needs to fix the request, never
// the PEI or SUPI; hook failures are logged by code and message, and hooks'
// messages must not carry identities (as base/status.h messages never do).
#ifndef IMEISYNC_NODE_HTTP_HTTP_API_H_
#define IMEISYNC_NODE_HTTP_HTTP_API_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "node/http/http_server.h"

namespace imeisync::node::http {

// TS 29.511 EquipmentStatus; JSON "WHITELISTED", "GREYLISTED", "BLACKLISTED".
enum class EquipmentStatus { kWhitelisted, kGreylisted, kBlacklisted };

// The JSON spelling of `status`.
std::string_view EquipmentStatusName(EquipmentStatus status);

// A PEI (TS 29.571 Pei) of the two forms we serve.
struct Pei {
  bool imeisv = false;  // true: "imeisv-" and 16 digits; false: "imei-", 15
  std::string digits;   // only the digits, without the prefix
  friend bool operator==(const Pei&, const Pei&) = default;
};

struct HttpApiHooks {
  // The status of `pei`; imsi_digits holds the 5..15 digits of an
  // "imsi-" SUPI when the query had one.
  // REQUIRES (of the caller, i.e. the router): pei passed ParsePei; the
  // check digit of an IMEI has not been verified.
  // InvalidArgument (e.g. a wrong Luhn check digit) -> 400; NotFound -> 404
  // ERROR_EQUIPMENT_UNKNOWN; other errors -> 500/503 (see above). May be
  // called from several threads at once.
  std::function<Result<EquipmentStatus>(
      const Pei& pei, const std::optional<std::string>& imsi_digits)>
      equipment_status;
  std::function<std::string()> metrics;  // Prometheus text exposition body
  std::function<Status()> health;        // OK -> 200 "ok\n"; else 503 problem
};

// A handler for HttpServer serving the routes above. A hook left empty makes
// its route answer 404, as if it did not exist. Exceptions from hooks
// propagate (HttpServer turns them into a 500 problem).
HttpHandler MakeHttpApi(HttpApiHooks hooks);

// Parses "imei-<15 digits>" or "imeisv-<16 digits>" (TS 29.571 Pei; the
// "mac-" and "eui-" forms are not served). Returns InvalidArgument saying
// what is wrong, e.g. "PEI must start with \"imei-\" or \"imeisv-\"",
// "imei- PEI has 14 digits; expected 15", "character 'x' at position 9 of
// the PEI is not a digit". Messages never quote the input beyond one
// character.
Result<Pei> ParsePei(std::string_view pei);

}  // namespace imeisync::node::http

#endif  // IMEISYNC_NODE_HTTP_HTTP_API_H_
