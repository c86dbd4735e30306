// Fuzzes what a console (or Ansible) session call reads from strangers: the session cookie found
// in the Cookie headers (RequestCookie, for the console's keyward_session and the Deep Security
// dialect's sID), the credential headers beside it (ExtractCredential: a cookie and a key are two
// credentials), the session lookup of any cookie value (SessionService::Authenticate, over a
// store that is down, so it must answer an error), and the CSRF check (CsrfMatches) of any
// presented token against a session's token.
//
// Input: lines; "C<value>" is a Cookie header, "X<value>" the X-CSRF-Token header,
// "A<value>" an Authorization header, "K<value>" an api-secret-key header, and "T<value>" the
// session's own CSRF token (a fixed 64-hex-digit token when none is given).
#include <boost/beast/http/field.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/accounts/session_service.hpp"
#include "core/clock.hpp"
#include "core/crypto/digest.hpp"
#include "core/crypto/password.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/store/store.hpp"
#include "http/auth.hpp"
#include "http/handler.hpp"

namespace {

namespace http = keyward::http;
namespace core = keyward::core;
namespace bh = boost::beast::http;

// A store that cannot be reached: every unit of work fails before it starts.
class DownStore final : public core::Store {
 public:
  core::Status Transact(const std::function<core::Status(core::UnitOfWork&)>& /*fn*/) override {
    return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kUnavailable);
  }
};

struct Services {
  Services()
      : clock(core::Time{std::chrono::seconds(1'800'000'000)}),
        random(1234),
        hasher(core::PepperSet::Parse(core::PepperSet::Generate(random)).value()),
        passwords(core::Argon2Params{64, 1, 1}, 1, random),
        sessions(store, clock, random, hasher, passwords) {}
  DownStore store;
  core::ManualClock clock;
  core::SeededRandom random;
  core::SecretHasher hasher;
  core::PasswordHasher passwords;
  core::SessionService sessions;
};

// Whether some Cookie header of `request` holds the pair `name`=`value` (or `name`="`value`").
bool HoldsPair(const http::Request& request, std::string_view name, const std::string& value) {
  const std::string plain = std::string(name) + "=" + value;
  const std::string quoted = std::string(name) + "=\"" + value + "\"";
  for (auto it = request.find(bh::field::cookie);
       it != request.end() && it->name() == bh::field::cookie; ++it) {
    const std::string_view header = it->value();
    if (header.find(plain) != std::string_view::npos) return true;
    if (header.find(quoted) != std::string_view::npos) return true;
  }
  return false;
}

// The cookie `name` of `request`, checked against the headers it came from.
std::optional<std::string> Cookie(const http::Request& request, std::string_view name) {
  std::optional<std::string> value = http::RequestCookie(request, name);
  if (!value) return value;
  // A cookie is never empty, never spans two pairs, and is one the client sent.
  if (value->empty() || value->find(';') != std::string::npos) std::abort();
  if (!HoldsPair(request, name, *value)) std::abort();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Services services;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  http::Request request{bh::verb::post, "/v1/session", 11};
  std::string session_csrf(64, 'a');
  std::string_view rest = input;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (line.empty()) continue;
    const std::string_view value = line.substr(1);
    switch (line.front()) {
      case 'C':
        request.insert(bh::field::cookie, value);
        break;
      case 'X':
        request.set("X-CSRF-Token", value);
        break;
      case 'A':
        request.insert(bh::field::authorization, value);
        break;
      case 'K':
        request.insert("api-secret-key", value);
        break;
      case 'T':
        session_csrf = std::string(value);
        break;
      default:
        break;
    }
  }
  (void)http::ExtractCredential(request);
  (void)http::ExtractCredential(request, http::AuthorizationSchemes::kBearerOrApiKey);
  (void)Cookie(request, "sID");
  const std::optional<std::string> cookie = Cookie(request, "keyward_session");
  if (cookie) {
    const auto auth = services.sessions.Authenticate(*cookie, std::nullopt);
    // The store is down: no cookie authenticates, and the error is one of two that never depend
    // on the cookie (so cannot echo it): the store's fault, or "session ended" for a cookie too
    // long to be a session, refused before the store is asked.
    if (auth) std::abort();
    static const std::string down = [] {
      const auto other = services.sessions.Authenticate("another cookie", std::nullopt);
      return other ? std::string() : other.error().Message();
    }();
    static const std::string too_long = [] {
      const auto other = services.sessions.Authenticate(std::string(4096, 'x'), std::nullopt);
      return other ? std::string() : other.error().Message();
    }();
    const std::string message = auth.error().Message();
    if (message != down && message != too_long) std::abort();
  }
  core::SessionAuth auth;
  auth.csrf_token = session_csrf;
  const std::string_view presented = request["X-CSRF-Token"];
  const bool matches = services.sessions.CsrfMatches(auth, presented);
  // Exactly the session's own token passes, and a session without one passes nothing.
  if (matches != (!session_csrf.empty() && presented == session_csrf)) std::abort();
  return 0;
}
