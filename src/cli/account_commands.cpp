#include "cli/account_commands.hpp"

#include "cli/command_support.hpp"
#include "cli/exit_code.hpp"
#include "cli/render.hpp"
#include "cli/table.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;

// One word for an account's state: disabled first, as for keys, then locked out.
std::string AccountState(const json::object& account) {
  const json::value* enabled = account.if_contains("enabled");
  const json::value* locked = account.if_contains("lockedOut");
  if (enabled == nullptr || !enabled->is_bool() || locked == nullptr || !locked->is_bool()) {
    return "-";
  }
  if (!enabled->get_bool()) return "disabled";
  return locked->get_bool() ? "locked out" : "enabled";
}

}  // namespace

int ListAccounts(const ApiSession& session, const ListFlags& flags, bool all, bool json) {
  return List(session, "/v1/accounts", flags, all, json, RenderAccountTable, "No accounts.");
}

int CreateAccount(const ApiSession& session, const CreateAccountFlags& flags, bool json) {
  return CallAndPrint(session, Post("/v1/accounts", BuildCreateAccountBody(flags)), json,
                      [](const json::object& account) {
                        return "Created account " + Field(account, "id") + ".\n" +
                               RenderAccountDetails(account);
                      });
}

int ShowAccount(const ApiSession& session, const std::string& id, bool json) {
  return CallAndPrint(session, Get(AccountPath(id)), json, RenderAccountDetails);
}

int UpdateAccount(const ApiSession& session, const std::string& id, const UpdateAccountFlags& flags,
                  bool json) {
  return CallAndPrint(session, Patch(AccountPath(id), BuildUpdateAccountBody(flags).value()), json,
                      [](const json::object& account) {
                        return "Updated account " + Field(account, "id") + ".\n" +
                               RenderAccountDetails(account);
                      });
}

int ChangeAccountState(const ApiSession& session, const std::string& id, const std::string& action,
                       bool json) {
  return CallAndPrint(session, Post(AccountPath(id, "/" + action), json::object()), json,
                      [](const json::object& account) {
                        return "Account " + Field(account, "id") + " (" + Field(account, "email") +
                               ") is now: " + AccountState(account) + "\n";
                      });
}

int DeleteAccount(const ApiSession& session, const std::string& id, bool json) {
  return DeleteAndReport(session, AccountPath(id), id, json,
                         "Deleted account " + Printable(id) + ".");
}

int ResetAccountPassword(const ApiSession& session, const std::string& id, bool json) {
  auto result = session.Call(Post(AccountPath(id, "/password"), json::object()));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const Reply& reply = std::get<Reply>(result);
  const json::object* answer = reply.json.if_object();
  const std::string password = answer != nullptr ? Field(*answer, "oneTimePassword") : "";
  if (json) {
    PrintRaw(session.out(), reply);
  } else if (!password.empty()) {
    session.out() << "One-time password of account " << Printable(id)
                  << " (shown once, pass it on now): " << password << '\n'
                  << "The user must change it at first sign-in.\n";
  }
  return password.empty() ? session.BadResponse("has no \"oneTimePassword\"") : kExitOk;
}

int CreateAccountToken(const ApiSession& session, const std::string& id,
                       const std::optional<std::string>& expires_at, bool json) {
  auto result = session.Call(Post(AccountPath(id, "/token"), BuildAccountTokenBody(expires_at)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  return PrintWithSecret(session, std::get<Reply>(result), json,
                         "Created the authentication token of account " + Printable(id) + ".",
                         [](const json::object& answer) {
                           const json::value* token = answer.if_contains("token");
                           const json::object* fields =
                               token != nullptr ? token->if_object() : nullptr;
                           return RenderAccountToken(fields != nullptr ? *fields : json::object());
                         });
}

int DeleteAccountToken(const ApiSession& session, const std::string& id, bool json) {
  return DeleteAndReport(session, AccountPath(id, "/token"), id, json,
                         "Deleted the authentication token of account " + Printable(id) + ".");
}

}  // namespace keyward::cli
