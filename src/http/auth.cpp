#include "http/auth.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace keyward::http {
namespace {

constexpr std::string_view kSecretKeyHeader = "api-secret-key";
constexpr std::array<std::string_view, 6> kCredentialParams = {
    "api_key", "apikey", "token", "access_token", "api-secret-key", "x-api-key"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

std::string_view Trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// The token of an Authorization value, or empty when its scheme is not Bearer (RFC 7235: the
// scheme is case-insensitive).
std::string BearerToken(std::string_view value) {
  value = Trim(value);
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme))
    return {};
  const std::string_view rest = value.substr(kScheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return {};
  return std::string(Trim(rest));
}

core::Error Unauthenticated() {
  return core::MakeError(core::ErrorCode::kUnauthenticated, core::Msg::kUnauthenticated);
}

}  // namespace

core::Result<std::optional<std::string>> ExtractCredential(const Request& request) {
  namespace bh = boost::beast::http;
  const auto authorization = request.equal_range(bh::field::authorization);
  const auto secret_key = request.equal_range(kSecretKeyHeader);
  const auto count = std::distance(authorization.first, authorization.second) +
                     std::distance(secret_key.first, secret_key.second);
  if (count == 0) return std::optional<std::string>{};
  if (count > 1) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTwoCredentials);
  }
  if (authorization.first != authorization.second) {
    return std::optional<std::string>{BearerToken(authorization.first->value())};
  }
  return std::optional<std::string>{std::string(Trim(secret_key.first->value()))};
}

core::Status CheckQueryForCredentials(const boost::urls::params_view& params) {
  for (const auto& param : params) {
    const bool named =
        std::any_of(kCredentialParams.begin(), kCredentialParams.end(),
                    [&](std::string_view n) { return EqualsIgnoreCase(param.key, n); });
    const bool token_value = param.has_value && param.value.starts_with("kw_");
    if (named || token_value) {
      // The parameter's name is the caller's field; a name that itself looks like a token is not
      // echoed.
      const bool echo_name = param.key.find("kw_") == std::string::npos && param.key.size() <= 64;
      return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kTokenInQuery, {},
                             echo_name ? param.key : std::string{});
    }
  }
  return core::Ok();
}

std::optional<core::IpAddress> ClientIp(const RequestContext& context) {
  return core::IpAddress::Parse(context.peer.to_string());
}

core::Result<core::Principal> AuthenticateRequest(const core::Verifier& verifier,
                                                  const Request& request,
                                                  const RequestContext& context) {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> token, ExtractCredential(request));
  // No credential at all is refused before the chain: there is nothing to verify, and the answer
  // is the same 401 the chain gives a bad token.
  if (!token) return Unauthenticated();
  return core::Authenticate(verifier, *token, ClientIp(context));
}

}  // namespace keyward::http
