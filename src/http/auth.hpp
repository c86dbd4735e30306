// Credentials of native API calls (docs/api.md "Credentials"): finding the one credential a request
// carries, refusing credentials in the query string, the client address, and authentication
// through core's verification chain. The client address is the socket peer, or behind a
// configured trusted proxy the address it forwarded (core::ResolveClientIp). Pure functions over
// their arguments; thread-safe when the Verifier is.
#pragma once

#include <boost/url/params_view.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/ip.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/verification/verifier.hpp"
#include "http/handler.hpp"

namespace keyward::http {

// Which Authorization schemes carry a key: Bearer (the native API, Vision One), and also ApiKey
// (Cloud One style, which the Deep Security dialect takes).
enum class AuthorizationSchemes { kBearer, kBearerOrApiKey };

// The token `request` presents in `Authorization: <scheme> <token>` (a scheme of `schemes`, in
// any letter case) or `api-secret-key: <token>`.
// - nullopt when it presents none;
// - kInvalidArgument (Msg::kTwoCredentials) when its credential headers carry two different
//   credentials (the same token in Authorization and api-secret-key is one credential);
// - an empty string for an Authorization header of another scheme, so that it fails
//   authentication like any bad token.
core::Result<std::optional<std::string>> ExtractCredential(
    const Request& request, AuthorizationSchemes schemes = AuthorizationSchemes::kBearer);

// The value of cookie `name` in the request's Cookie headers (RFC 6265 pairs separated by ';'),
// or nullopt when it carries none or only an empty one.
std::optional<std::string> RequestCookie(const Request& request, std::string_view name);

// kInvalidArgument (Msg::kTokenInQuery, field naming the parameter) when a query parameter looks
// like a credential: its name or value, percent-decoded (secret_scan.hpp: twice-encoded text
// too), holds "kw_" anywhere, or its name is one clients use for keys (api_key, apikey, token,
// access_token, api-secret-key, x-api-key, authorization; any letter case). The value never
// appears in the error, nor a name that may carry a secret.
core::Status CheckQueryForCredentials(const boost::urls::params_view& params);

// The same refusal (without a field) for a whole request target whose query holds "kw_" once
// percent-decoded, for a target too malformed to be split into parameters.
core::Status CheckTargetForToken(std::string_view target);

// The client address of a call: the socket peer, with IPv4-mapped IPv6 folded to IPv4; when the
// peer is in `trusted_proxies`, the address X-Forwarded-For (or X-Real-IP) names by the
// rightmost-untrusted rule. nullopt only for a peer core cannot parse.
std::optional<core::IpAddress> ClientIp(const Request& request, const RequestContext& context,
                                        const std::vector<core::Ipv4Range>& trusted_proxies);

// Authenticates the caller of `request`. Errors: the credential errors of ExtractCredential;
// kUnauthenticated when there is no credential or it fails verification; kPermissionDenied for a
// valid key used from outside its allowlist; kRateLimited and kUnavailable as core reports them.
core::Result<core::Principal> AuthenticateRequest(
    const core::Verifier& verifier, const Request& request, const RequestContext& context,
    const std::vector<core::Ipv4Range>& trusted_proxies = {});
// The same, for a caller whose client address (ClientIp) is already known.
core::Result<core::Principal> AuthenticateRequest(const core::Verifier& verifier,
                                                  const Request& request,
                                                  const std::optional<core::IpAddress>& client);

}  // namespace keyward::http
