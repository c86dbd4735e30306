#include "cli/own_access.hpp"

#include <algorithm>
#include <cctype>
#include <istream>

#include "cli/command_support.hpp"
#include "cli/exit_code.hpp"

namespace keyward::cli {
namespace {

bool IsYes(std::string answer) {
  answer.erase(0, answer.find_first_not_of(" \t\r"));
  answer.erase(answer.find_last_not_of(" \t\r") + 1);
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

}  // namespace

int ConfirmOwnAccess(const ApiSession& session, bool yes, OwnTarget target,
                     const std::vector<std::string>& ids, std::string_view verb) {
  if (yes) return kExitOk;
  auto result = session.Call(Get("/v1/apikeys/current"));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const boost::json::object* current = std::get<Reply>(result).json.if_object();
  if (current == nullptr) return session.BadResponse("is not a JSON object");
  const std::string key_id = Field(*current, "id");
  const std::string own = target == OwnTarget::kKey ? key_id : Field(*current, "accountId");
  if (own.empty() || std::find(ids.begin(), ids.end(), own) == ids.end()) return kExitOk;

  std::string what = "this would " + std::string(verb);
  if (target == OwnTarget::kKey) {
    what += " API key " + key_id + " (\"" + Field(*current, "name") +
            "\"), the key this command authenticates with";
  } else {
    what += " account " + own + ", whose token (API key " + key_id +
            ") this command authenticates with";
  }
  what += "; later commands with that key would be refused";
  const ClientIo& io = session.io();
  if (io.in == nullptr || !io.in_is_terminal) {
    return session.Fail("confirmation_required", what + ". Give --yes to do it anyway", kExitUsage);
  }
  session.err() << "keyward: " << what << ".\nContinue? [y/N] " << std::flush;
  std::string answer;
  if (std::getline(*io.in, answer) && IsYes(answer)) return kExitOk;
  return session.Fail("declined", "nothing was done", kExitFailure);
}

}  // namespace keyward::cli
