// Credentials of native API calls (API.md "Credentials"): finding the one credential a request
// carries, refusing credentials in the query string, the client address, and authentication
// through core's verification chain. Trusted proxies play no part here: management calls are
// authenticated against the socket peer. Pure functions over their arguments; thread-safe when
// the Verifier is.
#pragma once

#include <boost/url/params_view.hpp>

#include <optional>
#include <string>

#include "core/ip.hpp"
#include "core/principal.hpp"
#include "core/result.hpp"
#include "core/verifier.hpp"
#include "http/handler.hpp"

namespace keyward::http {

// The token `request` presents in `Authorization: Bearer <token>` or `api-secret-key: <token>`.
// - nullopt when it presents none;
// - kInvalidArgument (Msg::kTwoCredentials) when it carries more than one credential header,
//   even with the same value (two Authorization headers count as two);
// - an empty string for an Authorization header that is not a Bearer credential, so that it
//   fails authentication like any bad token.
core::Result<std::optional<std::string>> ExtractCredential(const Request& request);

// kInvalidArgument (Msg::kTokenInQuery, field naming the parameter) when a query parameter looks
// like a credential: its value starts with "kw_", or its name is one clients use for keys
// (api_key, apikey, token, access_token, api-secret-key, x-api-key; any letter case).
// The value never appears in the error.
core::Status CheckQueryForCredentials(const boost::urls::params_view& params);

// The client address of a management call: the socket peer, with IPv4-mapped IPv6 folded to
// IPv4. nullopt only for a peer core cannot parse.
std::optional<core::IpAddress> ClientIp(const RequestContext& context);

// Authenticates the caller of `request`. Errors: the credential errors of ExtractCredential;
// kUnauthenticated when there is no credential or it fails verification; kPermissionDenied for a
// valid key used from outside its allowlist; kRateLimited and kUnavailable as core reports them.
core::Result<core::Principal> AuthenticateRequest(const core::Verifier& verifier,
                                                  const Request& request,
                                                  const RequestContext& context);

}  // namespace keyward::http
