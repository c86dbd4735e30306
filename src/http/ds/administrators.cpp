// The Deep Security administrator calls (docs/deep-security.md "Administrators"): Keyward accounts
// through core::AccountService, whose permission checks, escalation rules, last Master
// Administrator rule and audit apply unchanged.
#include <boost/json/array.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/accounts/account_service.hpp"
#include "core/store/paging.hpp"
#include "core/store/store.hpp"
#include "http/ds/administrator_codec.hpp"
#include "http/ds/api.hpp"
#include "http/ds/fields.hpp"
#include "http/ds/role_codec.hpp"
#include "http/ds/search.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

// The account of the route's {administratorID}; a path id that is not an id names none (404).
core::Result<core::AccountId> PathAccountId(const Call& call) {
  if (auto id = PathId(call.route, "administratorID")) return *id;
  return core::AccountNotFound(0);
}

Reply AdministratorsReply(json::array administrators) {
  return Reply::Json(200, json::object{{"administrators", std::move(administrators)}});
}

// Every account, by id ascending (the native list's pages, followed to the end).
core::Result<std::vector<core::AccountView>> AllAccounts(const Services& services,
                                                         const Call& call) {
  std::vector<core::AccountView> all;
  core::AccountListInput page_input;
  page_input.limit = std::to_string(core::kMaxListLimit);
  while (true) {
    KW_ASSIGN_OR_RETURN(core::AccountPage page, services.accounts.List(call.caller, page_input));
    for (core::AccountView& view : page.items) all.push_back(std::move(view));
    if (!page.next_cursor) break;
    page_input.cursor = page.next_cursor;
  }
  std::sort(all.begin(), all.end(), [](const core::AccountView& a, const core::AccountView& b) {
    return a.account.id < b.account.id;
  });
  return all;
}

// Applies `active: true` beyond enabling: clears a sign-in lockout, if there is one now.
core::Result<core::AccountView> UnlockIfLocked(const Services& services, const Call& call,
                                               core::AccountView view,
                                               const std::optional<bool>& active) {
  if (!active || !*active || !view.account.SignInLockedAt(services.clock.Now())) return view;
  return services.accounts.Unlock(call.caller, view.account.id);
}

}  // namespace

core::Result<Reply> ListAdministrators(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(std::vector<core::AccountView> accounts, AllAccounts(services, call));
  const core::Time now = services.clock.Now();
  json::array out;
  for (const core::AccountView& view : accounts) out.emplace_back(AdministratorJson(view, now));
  return AdministratorsReply(std::move(out));
}

core::Result<Reply> SearchAdministrators(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(Search search, Search::Parse(call.body, AdministratorSearchFields()));
  KW_ASSIGN_OR_RETURN(std::vector<core::AccountView> accounts, AllAccounts(services, call));
  const core::Time now = services.clock.Now();
  std::vector<json::object> objects;
  for (const core::AccountView& view : accounts) objects.push_back(AdministratorJson(view, now));
  return AdministratorsReply(SearchAnswer(search, objects));
}

core::Result<Reply> DescribeAdministrator(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call));
  KW_ASSIGN_OR_RETURN(core::AccountView view, services.accounts.Get(call.caller, id));
  return Reply::Json(200, AdministratorJson(view, services.clock.Now()));
}

core::Result<Reply> CreateAdministrator(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(AdministratorInput input, ParseAdministratorCreate(call.body));
  input.account.enabled = input.active;
  KW_ASSIGN_OR_RETURN(core::AccountView view, services.accounts.Create(call.caller, input.account));
  return Reply::Json(200, AdministratorJson(view, services.clock.Now()));
}

core::Result<Reply> ModifyAdministrator(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call));
  // Read as the merge's base without accounts:view (the route asks accounts:edit; core checks
  // it and the escalation rules).
  KW_ASSIGN_OR_RETURN(
      std::optional<core::Account> stored,
      core::TransactValue<std::optional<core::Account>>(
          services.store, [&](core::UnitOfWork& uow) { return uow.FindAccount(id); }));
  if (!stored) return core::AccountNotFound(id);
  KW_ASSIGN_OR_RETURN(AdministratorInput input, ParseAdministratorModify(call.body, *stored));
  input.account.enabled = input.active;
  KW_ASSIGN_OR_RETURN(core::AccountView view,
                      services.accounts.Update(call.caller, id, input.account));
  KW_ASSIGN_OR_RETURN(view, UnlockIfLocked(services, call, std::move(view), input.active));
  return Reply::Json(200, AdministratorJson(view, services.clock.Now()));
}

core::Result<Reply> DeleteAdministrator(const Services& services, const Call& call) {
  KW_ASSIGN_OR_RETURN(core::AccountId id, PathAccountId(call));
  KW_RETURN_IF_ERROR(services.accounts.Delete(call.caller, id));
  return Reply::NoContent();
}

}  // namespace keyward::http::ds
