// The console session calls of docs/api.md "Roles, accounts, sessions, audit": sign-in sets the
// session cookie, sign-out clears it. Thin adapters over core::SessionService.
#include "http/json_fields.hpp"
#include "http/v1/account_codec.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::v1 {
namespace {

namespace json = boost::json;

// The cookie attributes of docs/api.md: HttpOnly, SameSite=Strict, Path=/, Secure under TLS.
std::string CookieAttributes(bool tls) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (tls ? "; Secure" : "");
}

core::Result<const core::SessionAuth*> CallSession(const Call& call) {
  if (call.session == nullptr) {
    return core::MakeError(core::ErrorCode::kUnauthenticated, core::Msg::kSessionRequired);
  }
  return call.session;
}

}  // namespace

core::Result<Reply> SignIn(const Services& services, const Call& call) {
  const core::SessionService& sessions = services.sessions;
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body(), SecretScan::kNone));
  KW_ASSIGN_OR_RETURN(SignInInput input, ParseSignIn(body));
  KW_ASSIGN_OR_RETURN(core::SignedIn signed_in,
                      sessions.SignIn(input.email, input.password, call.client_ip));
  const core::Account& account = signed_in.account.account;
  Reply reply = Reply::Json(
      201, json::object{
               {"account", AccountJson(signed_in.account, services.clock.Now(), account.time_zone)},
               {"permissions", SessionPermissionsJson(signed_in.permissions)},
               {"csrfToken", signed_in.csrf_token},
               {"mustChangePassword", account.must_change_password}});
  reply.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + signed_in.cookie +
                                               CookieAttributes(call.tls()));
  return reply;
}

core::Result<Reply> GetSession(const Services& services, const Call& call) {
  const core::SessionService& sessions = services.sessions;
  KW_ASSIGN_OR_RETURN(const core::SessionAuth* session, CallSession(call));
  KW_ASSIGN_OR_RETURN(core::SessionInfo info, sessions.Describe(*session));
  Reply reply = Reply::Json(200, SessionJson(info, services.clock.Now(), call.caller.time_zone));
  return reply;
}

core::Result<Reply> SignOut(const Services& services, const Call& call) {
  const core::SessionService& sessions = services.sessions;
  KW_ASSIGN_OR_RETURN(const core::SessionAuth* session, CallSession(call));
  KW_RETURN_IF_ERROR(sessions.SignOut(*session));
  Reply reply = Reply::NoContent();
  reply.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" +
                                               CookieAttributes(call.tls()) + "; Max-Age=0");
  return reply;
}

core::Result<Reply> ChangePassword(const Services& services, const Call& call) {
  const core::SessionService& sessions = services.sessions;
  KW_ASSIGN_OR_RETURN(const core::SessionAuth* session, CallSession(call));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(PasswordChangeInput input, ParsePasswordChange(body));
  KW_RETURN_IF_ERROR(sessions.ChangePassword(*session, input.current_password, input.new_password));
  return Reply::NoContent();
}

}  // namespace keyward::http::v1
