// Authz: the forward-auth endpoint `/v1/authz` and every path below it, any method (docs/api.md
// "Verification"), for nginx auth_request, Traefik forwardAuth, Envoy ext_authz (HTTP) and Caddy
// forward_auth. There is no caller: the token the request presents is the one checked, through
// core's verification chain. The answer is only 200, 401 or 403, with an empty body — the
// statuses every gateway understands — and headers:
//   X-Keyward-Outcome: <CODE>         always (core::OutcomeName)
//   Cache-Control: no-store           always (set by the front door, as on every API answer)
//   WWW-Authenticate: Bearer          401: MALFORMED, NOT_FOUND, DISABLED, EXPIRED, LOCKED_OUT,
//                                     UNAVAILABLE
//   Retry-After: <seconds>            403 RATE_LIMITED (403 also: IP_NOT_ALLOWED,
//                                     INSUFFICIENT_PERMISSIONS)
//   X-Keyward-Key-Id: <integer id>    200
//   X-Keyward-Key-Name: <name>        200, percent-encoded UTF-8 (PercentEncode)
//   X-Keyward-Role: <role name>       200 when the key has a role: always percent-encoded the
//                                     same way as the name ("Master Administrator" ->
//                                     "Master%20Administrator"), so a role named
//                                     "Master%20Administrator" arrives as "Master%2520..."
//
// Decisions beyond docs/api.md:
// - The token comes from `Authorization: Bearer`, `api-secret-key` or `X-API-Key`. An
//   Authorization header of another scheme (Basic, ...) is the upstream's business, not a
//   Keyward credential, and is ignored. No token, or two different tokens, is 401 MALFORMED,
//   decided without the chain, so an anonymous request never spends its address's failure
//   budget.
// - The query string never carries a credential here. A gateway may append the original
//   request's query, which belongs to the upstream, so it is passed through untouched except
//   for two refusals (docs/security.md "HTTP transport attacks"): a query that holds a token
//   (after percent-decoding, "kw_" and a whole public id anywhere) is 401 MALFORMED, and a
//   parameter whose name is nearly `permission` (IsNearPermissionParam: `Permission`,
//   `permissions`, `perm`, `permision`, ...) is 403 INSUFFICIENT_PERMISSIONS for a key that
//   would otherwise pass, logged with the parameter's name: a typo in a gateway's
//   configuration fails closed instead of letting every valid key through.
// - Required permissions: every `?permission=` value (percent-decoded) and every
//   `X-Keyward-Permission` header, each a comma-separated list whose items are trimmed and whose
//   empty items are ignored. A name that is not a valid permission, or a value that cannot be
//   decoded, is held by no key: a key that would otherwise pass gets INSUFFICIENT_PERMISSIONS.
//
// Thread-safe. Answer allocates little (no JSON, no type erasure). TryAnswer, for the I/O thread,
// waits for nothing as long as the Verifier's KeyLookup does not (the in-memory KeyIndex never
// waits to read; StoreKeyLookup runs a unit of work on the store): a request whose outcome the
// store must write at once (a counted wrong secret, a count to reset) gets no answer there, and
// Answer on a worker thread answers it once the write is made.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/ip.hpp"
#include "core/verification/verifier.hpp"
#include "http/handler.hpp"
#include "http/logger.hpp"
#include "http/metrics.hpp"

namespace keyward::http {

class Authz {
 public:
  // Every reference must outlive the Authz. `trusted_proxies` is read on every call (it is the
  // ApiHandler's list, fixed at its construction). `logger` gets one line per near-miss
  // permission parameter, and the exception of an answer that failed.
  Authz(const core::Verifier& verifier, Metrics& metrics,
        const std::vector<core::Ipv4Range>& trusted_proxies, Logger& logger);

  // Whether `request` is for /v1/authz or a path below it (any method). Allocates nothing.
  static bool Owns(const Request& request);

  // The answer to an authz request (precondition: Owns(request)). Counts the outcome in
  // keyward_verifications_total and the chain's time in keyward_verification_duration_seconds
  // {endpoint="authz"}. Logs nothing but the name of a near-miss permission parameter, so the
  // token cannot reach a log.
  Response Answer(const Request& request, const RequestContext& context) const;

  // The answer when Answer itself failed (an exception): 401 UNAVAILABLE, so that a gateway
  // refuses the request rather than let it through.
  static Response FailureAnswer(const Request& request);

  // Answer, with an exception logged and answered by FailureAnswer. Never throws.
  Response AnswerSafely(const Request& request, const RequestContext& context) const;

  // Answer for a caller that must not wait for the store (the I/O thread): the same answer, or
  // nullopt, with nothing counted, recorded or logged, when the chain would have to write to the
  // store at once (core::Verification::deferred); the caller then hands the request to
  // AnswerSafely on a thread that may wait. An exception is logged and answered by FailureAnswer.
  // Never throws.
  std::optional<Response> TryAnswerSafely(const Request& request,
                                          const RequestContext& context) const;

  // TryAnswerSafely's answer as a HeadAnswer (handler.hpp), for the transport's fast path: its
  // status and its fields (in the order the Response holds them; not the ones the front door or
  // the transport add), appended to `answer.fields`, and true; false where TryAnswerSafely
  // answers nullopt. Never throws.
  bool TryAnswerHead(const Request& request, const RequestContext& context,
                     HeadAnswer& answer) const;

 private:
  // Answer's work; nullopt only when `may_wait` is false and the chain deferred the request.
  std::optional<Response> Decide(const Request& request, const RequestContext& context,
                                 bool may_wait) const;
  // Decide's work for any kind of answer: calls make(outcome, verification or null) once and
  // answers true, or answers false (only when `may_wait` is false and the chain deferred).
  template <class Make>
  bool Judge(const Request& request, const RequestContext& context, bool may_wait,
             Make&& make) const;

  const core::Verifier& verifier_;
  Metrics& metrics_;
  const std::vector<core::Ipv4Range>& trusted_proxies_;
  Logger& logger_;
};

// Whether a query parameter's decoded name is nearly, but not exactly, "permission": another
// letter case, the plural, "perm" or "perms", a "[]" suffix, or one edit, insertion, deletion or
// swap of neighbours away from "permission" or "permissions".
bool IsNearPermissionParam(std::string_view name);

// `text` with every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~) written as
// %XX in uppercase hex: UTF-8 names become plain ASCII header values.
std::string PercentEncode(std::string_view text);

}  // namespace keyward::http
