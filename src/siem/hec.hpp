// Splunk HTTP Event Collector delivery: where to send (HecDestination, its URL parsed into an
// HecEndpoint) and the request body, one JSON object per audit event, several concatenated in one
// POST as HEC allows:
//   {"time":1767312000,"sourcetype":"keyward:audit","source":"keyward","host":"kw1",
//    "event":{"id":7,"time":"2026-01-02T00:00:00Z","actor":...,"chainHead":"v1:..."}}
// sent with "Authorization: Splunk <token>" and "Content-Type: application/json".
// Pure functions and plain value types; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/store/audit_event.hpp"
#include "siem/batch.hpp"

namespace keyward::siem {

inline constexpr std::string_view kHecSourcetype = "keyward:audit";
inline constexpr std::string_view kHecSource = "keyward";
inline constexpr std::string_view kHecDefaultPath = "/services/collector/event";

struct HecDestination {
  std::string url;        // http:// or https://HOST[:PORT][/PATH]; no path posts to kHecDefaultPath
  std::string token;      // the HEC token; a secret: never logged, never in a message
  bool insecure = false;  // https: skip certificate and host name verification
  std::string ca_file;    // https: PEM file of trusted CAs; empty uses the system's store
};

// The parts of an HEC URL a client needs.
struct HecEndpoint {
  bool tls = false;
  std::string host;  // for resolution and certificate checks; IPv6 without brackets
  std::uint16_t port = 0;
  std::string host_header;  // e.g. "splunk:8088", "[::1]:8088"
  std::string target;       // percent-encoded path and query, e.g. "/services/collector/event"
};

// Parses an HEC URL. Errors are kInvalidArgument naming the text and what is wrong with it
// (scheme, missing host, port, credentials or fragment in the URL).
core::Result<HecEndpoint> ParseHecUrl(std::string_view text);

// One HEC event object (no trailing newline) for `event`, vouching for `chain_head`. `details`
// is the event's details_json parsed; text that is not JSON is kept as a string, none is {}.
std::string FormatHecEvent(const core::AuditEvent& event, std::string_view hostname,
                           std::string_view chain_head);

// The POST body for `events` (in commit order): their HEC objects, one a line. Every object
// carries the same chain head, the hash of the last (newest) event.
std::string FormatHecBatch(const Batch& events, std::string_view hostname);

// The Authorization header value: "Splunk <token>".
std::string HecAuthorization(std::string_view token);

}  // namespace keyward::siem
