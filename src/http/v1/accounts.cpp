// The account calls of docs/api.md "Roles, accounts, sessions, audit": thin adapters over
// core::AccountService. Each route's permission is its entry's (routes.cpp), checked by ApiHandler
// before the call; core checks it again.
#include <boost/json/array.hpp>

#include "core/ids.hpp"
#include "http/error_map.hpp"
#include "http/json_fields.hpp"
#include "http/v1/account_codec.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::v1 {
namespace {

namespace json = boost::json;

// The account id of the route's {id}; a path id that is not a valid id names no account (404).
core::Result<core::AccountId> PathAccountId(const RouteMatch& route) {
  const std::string_view text = route.Param("id");
  if (auto id = core::ParseId(text)) return *id;
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kAccountNotFound, {SafeEcho(text)});
}

Reply AccountReply(unsigned status, const Services& services, const Call& call,
                   const core::AccountView& view) {
  return Reply::Json(status, AccountJson(view, services.clock.Now(), call.caller.time_zone));
}

// enable, disable, unlock: a body with no fields, `act` on the path's account, the account
// answered.
template <typename Act>
core::Result<Reply> AccountAction(const Services& services, const Call& call, Act act) {
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_RETURN_IF_ERROR(ParseNoFields(body));
  KW_ASSIGN_OR_RETURN(core::AccountView view, act(id));
  return AccountReply(200, services, call, view);
}

}  // namespace

core::Result<Reply> ListAccounts(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  core::AccountListInput input;
  input.limit = QueryParam(call.query, "limit");
  input.cursor = QueryParam(call.query, "cursor");
  KW_ASSIGN_OR_RETURN(core::AccountPage page, accounts.List(call.caller, input));
  const core::Time now = services.clock.Now();
  json::array items;
  items.reserve(page.items.size());
  for (const core::AccountView& view : page.items) {
    items.emplace_back(AccountJson(view, now, call.caller.time_zone));
  }
  return Reply::Json(200, ListJson(std::move(items), page.next_cursor));
}

core::Result<Reply> CreateAccount(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(core::AccountInput input, ParseAccountInput(body));
  KW_ASSIGN_OR_RETURN(core::AccountView view, accounts.Create(call.caller, input));
  return AccountReply(201, services, call, view);
}

core::Result<Reply> GetAccount(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_ASSIGN_OR_RETURN(core::AccountView view, accounts.Get(call.caller, id));
  return AccountReply(200, services, call, view);
}

core::Result<Reply> UpdateAccount(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(core::AccountInput input, ParseAccountInput(body));
  KW_ASSIGN_OR_RETURN(core::AccountView view, accounts.Update(call.caller, id, input));
  return AccountReply(200, services, call, view);
}

core::Result<Reply> DeleteAccount(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_RETURN_IF_ERROR(accounts.Delete(call.caller, id));
  return Reply::NoContent();
}

core::Result<Reply> EnableAccount(const Services& services, const Call& call) {
  return AccountAction(services, call, [&](core::AccountId id) {
    return services.accounts.SetEnabled(call.caller, id, true);
  });
}

core::Result<Reply> DisableAccount(const Services& services, const Call& call) {
  return AccountAction(services, call, [&](core::AccountId id) {
    return services.accounts.SetEnabled(call.caller, id, false);
  });
}

core::Result<Reply> UnlockAccount(const Services& services, const Call& call) {
  return AccountAction(services, call, [&](core::AccountId id) {
    return services.accounts.Unlock(call.caller, id);
  });
}

core::Result<Reply> ResetAccountPassword(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_RETURN_IF_ERROR(ParseNoFields(body));
  KW_ASSIGN_OR_RETURN(std::string password, accounts.ResetPassword(call.caller, id));
  Reply reply = Reply::Json(200, json::object{{"oneTimePassword", password}});
  return reply;
}

core::Result<Reply> CreateAccountToken(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_ASSIGN_OR_RETURN(json::object body, ParseBody(call.body()));
  KW_ASSIGN_OR_RETURN(std::optional<std::string> expires_at, ParseTokenInput(body));
  KW_ASSIGN_OR_RETURN(core::IssuedKey issued, accounts.IssueToken(call.caller, id, expires_at));
  Reply reply =
      Reply::Json(201, json::object{{"token", AccountTokenJson(issued.key, call.caller.time_zone)},
                                    {"secret", issued.token}});
  return reply;
}

core::Result<Reply> DeleteAccountToken(const Services& services, const Call& call) {
  const core::AccountService& accounts = services.accounts;
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call.route));
  KW_RETURN_IF_ERROR(accounts.DeleteToken(call.caller, id));
  return Reply::NoContent();
}

}  // namespace keyward::http::v1
