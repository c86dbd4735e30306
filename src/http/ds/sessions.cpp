// The Ansible collection's session (docs/deep-security.md "The Ansible session"): a user name
// and password sign in through core's console sign-in (same lockout, throttle and audit), the
// session id is answered as plain text (never as a cookie), and logout ends the session.
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "core/store/account.hpp"
#include "http/ds/api.hpp"
#include "http/ds/errors.hpp"
#include "http/ds/fields.hpp"
#include "http/json_fields.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

// A session-less refusal the front door words as the dialect's 400.
core::Error Invalid(std::string field) { return Required(std::move(field)); }

}  // namespace

core::Result<Reply> SignIn(const Services& services, const Call& call) {
  const json::value* credentials = call.body.if_contains("dsCredentials");
  if (credentials == nullptr || credentials->is_null()) return Invalid("dsCredentials");
  if (!credentials->is_object()) return WrongType("dsCredentials", "an object");
  const json::object& creds = credentials->get_object();
  KW_ASSIGN_OR_RETURN(std::optional<std::string> user, OptionalString(creds, "userName"));
  if (!user) return Invalid("dsCredentials.userName");
  KW_ASSIGN_OR_RETURN(std::optional<std::string> password, OptionalString(creds, "password"));
  if (!password) return Invalid("dsCredentials.password");
  KW_ASSIGN_OR_RETURN(core::SignedIn signed_in,
                      services.sessions.SignIn(*user, *password, call.client_ip));
  if (signed_in.account.account.access_level != core::AccessLevel::kConsoleAndApi) {
    // A console-only account may not hold an API session: the new session ends at once.
    if (core::Result<core::SessionAuth> auth =
            services.sessions.Authenticate(signed_in.cookie, call.client_ip)) {
      (void)services.sessions.SignOut(*auth);
    }
    return core::MakeError(core::ErrorCode::kPermissionDenied, core::Msg::kSignInApiOnly);
  }
  return Reply::Text(200, std::move(signed_in.cookie), "text/plain");
}

core::Result<Reply> SignOut(const Services& services, const Call& call) {
  std::optional<std::string> sid = v1::QueryParam(call.query, "sID");
  if (!sid || sid->empty()) return Invalid("sID");
  KW_ASSIGN_OR_RETURN(core::SessionAuth auth, services.sessions.Authenticate(*sid, call.client_ip));
  KW_RETURN_IF_ERROR(services.sessions.SignOut(auth));
  return Reply::Text(200, "", "text/plain");
}

}  // namespace keyward::http::ds
