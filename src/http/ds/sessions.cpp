// The Ansible collection's session (docs/deep-security.md "The Ansible session"): a user name
// and password sign in through core's console sign-in (same lockout, throttle and audit), the
// session id is answered as plain text (never as a cookie), and logout ends the session.
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/store/account.hpp"
#include "http/ds/api.hpp"
#include "http/json_fields.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

// A member of dsCredentials: a string, named by its path in errors.
core::Result<std::string> Credential(const json::object& creds, std::string_view name) {
  const std::string field = "dsCredentials." + std::string(name);
  const json::value* value = creds.if_contains(name);
  if (value == nullptr || value->is_null()) return Required(field);
  if (!value->is_string()) return WrongType(field, "a string");
  return std::string(value->get_string());
}

}  // namespace

core::Result<Reply> SignIn(const Services& services, const Call& call) {
  const json::value* credentials = call.body.if_contains("dsCredentials");
  if (credentials == nullptr || credentials->is_null()) return Required("dsCredentials");
  if (!credentials->is_object()) return WrongType("dsCredentials", "an object");
  const json::object& creds = credentials->get_object();
  KW_ASSIGN_OR_RETURN(std::string user, Credential(creds, "userName"));
  KW_ASSIGN_OR_RETURN(std::string password, Credential(creds, "password"));
  KW_ASSIGN_OR_RETURN(core::SignedIn signed_in,
                      services.sessions.SignIn(user, password, call.client_ip));
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
  if (!sid || sid->empty()) return Required("sID");
  KW_ASSIGN_OR_RETURN(core::SessionAuth auth, services.sessions.Authenticate(*sid, call.client_ip));
  KW_RETURN_IF_ERROR(services.sessions.SignOut(auth));
  // 200 with an empty body, as Deep Security answers a logout.
  return Reply::Text(200, "", "application/json");
}

}  // namespace keyward::http::ds
