// How a client command reports a failure: "keyward: <message>" on standard error, and with
// --json also {"error": {"code": "<code>", "message": "<message>"}} on standard output, so a
// script reading standard output always gets one JSON document. Codes are the server's for a
// refused request (invalid_argument, not_found, ...) and the client's own otherwise:
// "usage" (exit 2), "unreachable" (exit 7), "bad_response" and "failure" (exit 1). Pure
// formatting over the streams given; thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace keyward::cli {

// Prints `message` (plain text, no "keyward: " prefix) on `err` and, when `json`, the error
// document with `code` on `out`. Returns `exit_code`, for `return ReportError(...)`.
int ReportError(std::ostream& out, std::ostream& err, bool json, std::string_view code,
                std::string_view message, int exit_code);

// Prints a refused request (HTTP `status`, error body `body`): the server's message on `err`
// as DescribeApiError words it and, when `json`, the server's {"error": {...}} on `out` (or, when
// the body has none, one with code "http_<status>"). Returns `exit_code`.
int ReportApiError(std::ostream& out, std::ostream& err, bool json, unsigned status,
                   std::string_view reason, std::string_view body, int exit_code);

}  // namespace keyward::cli
