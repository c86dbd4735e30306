#include "cli/commands.hpp"

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>

#include "cli/command_support.hpp"
#include "cli/exit_code.hpp"
#include "cli/render.hpp"
#include "cli/table.hpp"

namespace keyward::cli {

namespace json = boost::json;

int ListKeys(const ApiSession& session, const ListFlags& flags, bool all, bool json) {
  return List(session, "/v1/apikeys", flags, all, json, RenderKeyTable, "No API keys match.");
}

int CreateKey(const ApiSession& session, const CreateKeyFlags& flags, bool json) {
  auto result = session.Call(Post("/v1/apikeys", BuildCreateBody(flags)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const Reply& reply = std::get<Reply>(result);
  const json::object* key = reply.json.if_object();
  const std::string id = key != nullptr ? Field(*key, "id") : "";
  return PrintWithSecret(session, reply, json, "Created API key " + id + ".", RenderKeyDetails);
}

int ShowKey(const ApiSession& session, const std::string& id, bool json) {
  return CallAndPrint(session, Get(KeyPath(id)), json, RenderKeyDetails);
}

int WhoAmI(const ApiSession& session, bool json) {
  return CallAndPrint(session, Get("/v1/apikeys/current"), json, RenderKeyDetails);
}

int UpdateKey(const ApiSession& session, const std::string& id, const UpdateKeyFlags& flags,
              bool json) {
  return CallAndPrint(session, Patch(KeyPath(id), BuildUpdateBody(flags).value()), json,
                      [](const json::object& key) {
                        return "Updated API key " + Field(key, "id") + ".\n" +
                               RenderKeyDetails(key);
                      });
}

int ChangeKeyState(const ApiSession& session, const std::string& id, const std::string& action,
                   bool json) {
  return CallAndPrint(session, Post(KeyPath(id, "/" + action), json::object()), json,
                      [](const json::object& key) {
                        return "API key " + Field(key, "id") + " (" + Field(key, "name") +
                               ") is now: " + Field(key, "status") + "\n";
                      });
}

int RotateKey(const ApiSession& session, const std::string& id,
              std::optional<long long> grace_period_seconds, bool json) {
  auto result = session.Call(Post(KeyPath(id, "/rotate"), BuildRotateBody(grace_period_seconds)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const Reply& reply = std::get<Reply>(result);
  std::string old_secret = "the old secret no longer works";
  if (grace_period_seconds.value_or(0) > 0) {
    const json::object* key = reply.json.if_object();
    const json::value* previous = key != nullptr ? key->if_contains("previousSecret") : nullptr;
    const std::string ends =
        previous != nullptr && previous->is_object() ? Field(previous->get_object(), "endsAt") : "";
    old_secret = ends.empty() ? "the old secret keeps working for " +
                                    std::to_string(*grace_period_seconds) + " s"
                              : "the old secret keeps working until " + ends;
  }
  return PrintWithSecret(session, reply, json,
                         "Rotated the secret of API key " + id + "; " + old_secret + ".",
                         RenderKeyDetails);
}

int DeleteKeys(const ApiSession& session, const std::vector<std::string>& ids, bool json) {
  if (ids.size() == 1) {
    auto result = session.Call({Method::kDelete, KeyPath(ids.front()), {}, std::nullopt});
    if (const int* code = std::get_if<int>(&result)) return *code;
    if (json) {
      const json::object one{{"id", ids.front()}, {"status", 204}};
      session.out() << json::serialize(json::object{{"results", json::array{one}}}) << '\n';
    } else {
      session.out() << "Deleted API key " << Printable(ids.front()) << ".\n";
    }
    return kExitOk;
  }
  auto result = session.Call(Post("/v1/apikeys/delete", BuildBulkDeleteBody(ids)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const Reply& reply = std::get<Reply>(result);
  const json::object* response = reply.json.if_object();
  if (response == nullptr) return session.BadResponse("is not a JSON object");
  const DeleteReport report = RenderDeleteResults(*response);
  if (json) {
    PrintRaw(session.out(), reply);
  } else {
    session.out() << report.text;
  }
  if (report.any_failed) return session.BadResponse("does not report every id as 204 or 404");
  return report.any_not_found ? kExitNotFound : kExitOk;
}

int ListAudit(const ApiSession& session, const AuditFilterFlags& filters, ListFlags page, bool all,
              bool json) {
  if (all && !page.limit) page.limit = kAllPageSize;
  return ListPages(
      session, "/v1/audit",
      [&](const std::optional<std::string>& cursor) {
        return BuildAuditQuery(filters, page.limit, cursor ? cursor : page.cursor);
      },
      all, json, RenderAuditTable, "No audit events match.");
}

int ExportAudit(const ApiSession& session, const AuditFilterFlags& filters,
                const std::string& format, const std::optional<std::string>& output) {
  const HttpRequest request{Method::kGet, "/v1/audit/export",
                            BuildAuditExportQuery(filters, format), std::nullopt};
  if (!output) {
    const int code = session.Stream(request, [&session](std::string_view piece) {
      session.out().write(piece.data(), static_cast<std::streamsize>(piece.size()));
      return static_cast<bool>(session.out());
    });
    session.out().flush();
    return code;
  }
  const std::string part = *output + ".part";
  std::ofstream file(part, std::ios::binary | std::ios::trunc);
  if (!file) return session.Fail("failure", "cannot write " + Printable(part), kExitFailure);
  int code = session.Stream(request, [&file](std::string_view piece) {
    file.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    return static_cast<bool>(file);
  });
  file.close();
  std::error_code ec;
  if (code == kExitOk && !file) {
    code = session.Fail("failure", "cannot write " + Printable(part), kExitFailure);
  }
  if (code == kExitOk) std::filesystem::rename(part, *output, ec);
  if (code == kExitOk && ec) {
    code = session.Fail("failure", "cannot rename " + Printable(part) + ": " + ec.message(),
                        kExitFailure);
  }
  if (code != kExitOk) std::filesystem::remove(part, ec);
  return code;
}

int VerifyAudit(const ApiSession& session, bool json) {
  auto result = session.Call(Get("/v1/audit/verify"));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const Reply& reply = std::get<Reply>(result);
  const json::object* report = reply.json.if_object();
  const json::value* ok = report != nullptr ? report->if_contains("ok") : nullptr;
  const json::value* events = report != nullptr ? report->if_contains("events") : nullptr;
  if (ok == nullptr || !ok->is_bool() || events == nullptr || !events->is_int64()) {
    return session.BadResponse("has no \"ok\" and \"events\"");
  }
  if (json) {
    PrintRaw(session.out(), reply);
  } else if (ok->get_bool()) {
    session.out() << "audit trail verified: " << events->get_int64() << " events\n";
  } else {
    session.out() << "audit trail BROKEN at event " << Field(*report, "firstBrokenId") << ": "
                  << Field(*report, "reason") << '\n';
  }
  return ok->get_bool() ? kExitOk : kExitFailure;
}

}  // namespace keyward::cli
