#include "http/auth.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>
#include <string_view>

#include "core/net/client_ip.hpp"
#include "core/text.hpp"
#include "http/secret_scan.hpp"

namespace keyward::http {
namespace {

constexpr std::string_view kSecretKeyHeader = "api-secret-key";
constexpr std::array<std::string_view, 7> kCredentialParams = {
    "api_key", "apikey", "token", "access_token", "api-secret-key", "x-api-key", "authorization"};

// The credential of an Authorization value whose scheme is `scheme` (lower case), or nullopt for
// another scheme (RFC 7235: the scheme is case-insensitive).
std::optional<std::string> SchemeToken(std::string_view value, std::string_view scheme) {
  value = core::TrimOws(value);
  if (value.size() <= scheme.size() || !core::AsciiIEquals(value.substr(0, scheme.size()), scheme))
    return std::nullopt;
  const std::string_view rest = value.substr(scheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
  return std::string(core::TrimOws(rest));
}

// The token of an Authorization value, or empty when its scheme is not one of `schemes`.
std::string AuthorizationToken(std::string_view value, AuthorizationSchemes schemes) {
  if (std::optional<std::string> token = SchemeToken(value, "bearer")) return *token;
  if (schemes == AuthorizationSchemes::kBearerOrApiKey) {
    if (std::optional<std::string> token = SchemeToken(value, "apikey")) return *token;
  }
  return {};
}

core::Error Unauthenticated() {
  return core::MakeError(core::ErrorCode::kUnauthenticated, core::Msg::kUnauthenticated);
}

}  // namespace

core::Result<std::optional<std::string>> ExtractCredential(const Request& request,
                                                           AuthorizationSchemes schemes) {
  namespace bh = boost::beast::http;
  std::optional<std::string> found;
  for (const auto& field : request) {
    std::string token;
    if (field.name() == bh::field::authorization) {
      token = AuthorizationToken(field.value(), schemes);
    } else if (core::AsciiIEquals(field.name_string(), kSecretKeyHeader)) {
      token = std::string(core::TrimOws(field.value()));
    } else {
      continue;
    }
    // The same token sent twice is one credential; two different ones are refused.
    if (found && *found != token) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTwoCredentials);
    }
    found = std::move(token);
  }
  return found;
}

core::Status CheckQueryForCredentials(const boost::urls::params_view& params) {
  for (const auto& param : params) {
    // Boost.URL has decoded the name and value once; DecodeForScan decodes what was encoded
    // twice. No management API parameter carries "kw_", so the prefix anywhere is refused.
    const std::string key = DecodeForScan(param.key);
    const bool named = std::any_of(kCredentialParams.begin(), kCredentialParams.end(),
                                   [&](std::string_view n) { return core::AsciiIEquals(key, n); });
    const bool token =
        HasTokenPrefix(key) || (param.has_value && HasTokenPrefix(DecodeForScan(param.value)));
    if (named || token) {
      // The parameter's name is the caller's field; a name that itself looks like a token is not
      // echoed.
      const bool echo_name = !MayCarrySecret(key) && key.size() <= 64;
      return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTokenInQuery, {},
                             echo_name ? key : std::string{});
    }
  }
  return core::Ok();
}

core::Status CheckTargetForToken(std::string_view target) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos || !HasTokenPrefix(DecodeForScan(target.substr(q + 1)))) {
    return core::Ok();
  }
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTokenInQuery);
}

std::optional<core::IpAddress> ClientIp(const Request& request, const RequestContext& context,
                                        const std::vector<core::Ipv4Range>& trusted_proxies) {
  // An IPv4 peer is taken as its number: formatting it only to parse it again costs more than
  // the rest of this function (IPv6, IPv4-mapped ones included, still goes through core's Parse).
  const std::optional<core::IpAddress> peer =
      context.peer.is_v4() ? core::IpAddress::V4(context.peer.to_v4().to_uint())
                           : core::IpAddress::Parse(context.peer.to_string());
  if (trusted_proxies.empty()) return peer;
  std::vector<std::string_view> forwarded_for;
  const auto [first, last] = request.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) forwarded_for.push_back(it->value());
  std::optional<std::string_view> real_ip;
  if (const auto it = request.find("X-Real-IP"); it != request.end()) real_ip = it->value();
  return core::ResolveClientIp(peer, forwarded_for, real_ip, trusted_proxies);
}

std::optional<std::string> RequestCookie(const Request& request, std::string_view name) {
  namespace bh = boost::beast::http;
  for (auto it = request.find(bh::field::cookie);
       it != request.end() && it->name() == bh::field::cookie; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
      while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
      std::string_view value = pair.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (!value.empty()) return std::string(value);
    }
  }
  return std::nullopt;
}

core::Result<core::Principal> AuthenticateRequest(
    const core::Verifier& verifier, const Request& request, const RequestContext& context,
    const std::vector<core::Ipv4Range>& trusted_proxies) {
  return AuthenticateRequest(verifier, request, ClientIp(request, context, trusted_proxies));
}

core::Result<core::Principal> AuthenticateRequest(const core::Verifier& verifier,
                                                  const Request& request,
                                                  const std::optional<core::IpAddress>& client) {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> token, ExtractCredential(request));
  // No credential at all is refused before the chain: there is nothing to verify, and the answer
  // is the same 401 the chain gives a bad token.
  if (!token) return Unauthenticated();
  return core::Authenticate(verifier, *token, client);
}

}  // namespace keyward::http
