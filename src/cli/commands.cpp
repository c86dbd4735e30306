#include "cli/commands.hpp"

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "cli/exit_code.hpp"
#include "cli/render.hpp"
#include "cli/table.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;

// With --all and no --limit, pages are as large as the API allows: fewer round trips.
constexpr int kAllPageSize = 500;

HttpRequest Get(std::string path) { return {Method::kGet, std::move(path), {}, std::nullopt}; }

HttpRequest Post(std::string path, const json::object& body) {
  return {Method::kPost, std::move(path), {}, json::serialize(body)};
}

std::string Field(const json::object& object, std::string_view field) {
  const json::value* v = object.if_contains(field);
  return v != nullptr && v->is_string() ? Printable(v->get_string()) : "";
}

// Prints a reply that should be one object, through `render` unless `json`.
int PrintObject(const ApiSession& session, const Reply& reply, bool json,
                const std::function<std::string(const json::object&)>& render) {
  const json::object* object = reply.json.if_object();
  if (object == nullptr) return session.BadResponse("is not a JSON object");
  if (json) {
    PrintRaw(session.out(), reply);
  } else {
    session.out() << render(*object);
  }
  return kExitOk;
}

int GetAndPrint(const ApiSession& session, std::string path, bool json,
                const std::function<std::string(const json::object&)>& render) {
  auto result = session.Call(Get(std::move(path)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  return PrintObject(session, std::get<Reply>(result), json, render);
}

// Prints a key just created or rotated, then its secret: the one time it is shown.
int PrintWithSecret(const ApiSession& session, const Reply& reply, bool json,
                    const std::string& headline) {
  const json::object* key = reply.json.if_object();
  if (key == nullptr) return session.BadResponse("is not a JSON object");
  const std::string secret = Field(*key, "secret");
  if (json) {
    PrintRaw(session.out(), reply);
    return secret.empty() ? session.BadResponse("has no \"secret\"") : kExitOk;
  }
  session.out() << headline << '\n' << RenderKeyDetails(*key) << '\n';
  if (secret.empty()) return session.BadResponse("has no \"secret\"");
  session.out() << "Secret (shown once, store it now): " << secret << '\n';
  return kExitOk;
}

using Query = std::vector<std::pair<std::string, std::string>>;
// The query of one page: the first when `cursor` is nullopt, else the one nextCursor names.
using PageQuery = std::function<Query(const std::optional<std::string>& cursor)>;

// Lists a collection: one page, or with `all` every page.
int ListPages(const ApiSession& session, const std::string& path, const PageQuery& page_query,
              bool all, bool json, std::string (*render)(const json::array&),
              std::string_view none) {
  json::array items;
  std::optional<std::string> cursor;
  std::set<std::string> seen;
  for (;;) {
    auto result = session.Call({Method::kGet, path, page_query(cursor), std::nullopt});
    if (const int* code = std::get_if<int>(&result)) return *code;
    const Reply& reply = std::get<Reply>(result);
    const json::object* page = reply.json.if_object();
    const json::value* page_items = page != nullptr ? page->if_contains("items") : nullptr;
    if (page_items == nullptr || !page_items->is_array()) {
      return session.BadResponse("has no \"items\" list");
    }
    const json::value* next = page->if_contains("nextCursor");
    const bool more = next != nullptr && next->is_string() && !next->get_string().empty();
    if (!all) {
      if (json) {
        PrintRaw(session.out(), reply);
      } else if (page_items->get_array().empty()) {
        session.out() << none << '\n';
      } else {
        session.out() << render(page_items->get_array());
        if (more) {
          session.err() << "keyward: more follow; use --all, or --cursor "
                        << Printable(next->get_string()) << '\n';
        }
      }
      return kExitOk;
    }
    for (const json::value& item : page_items->get_array()) items.push_back(item);
    if (!more) break;
    cursor = std::string(next->get_string());
    // A server that hands out a cursor twice would otherwise keep us here forever.
    if (!seen.insert(*cursor).second) return session.BadResponse("repeats a cursor");
  }
  if (json) {
    session.out() << json::serialize(json::object{{"items", items}, {"nextCursor", nullptr}})
                  << '\n';
  } else if (items.empty()) {
    session.out() << none << '\n';
  } else {
    session.out() << render(items);
  }
  return kExitOk;
}

int List(const ApiSession& session, const std::string& path, ListFlags flags, bool all, bool json,
         std::string (*render)(const json::array&), std::string_view none) {
  if (all && !flags.limit) flags.limit = kAllPageSize;
  return ListPages(
      session, path,
      [&flags](const std::optional<std::string>& cursor) { return BuildListQuery(flags, cursor); },
      all, json, render, none);
}

}  // namespace

int ListKeys(const ApiSession& session, const ListFlags& flags, bool all, bool json) {
  return List(session, "/v1/apikeys", flags, all, json, RenderKeyTable, "No API keys match.");
}

int CreateKey(const ApiSession& session, const CreateKeyFlags& flags, bool json) {
  auto result = session.Call(Post("/v1/apikeys", BuildCreateBody(flags)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const Reply& reply = std::get<Reply>(result);
  const json::object* key = reply.json.if_object();
  const std::string id = key != nullptr ? Field(*key, "id") : "";
  return PrintWithSecret(session, reply, json, "Created API key " + id + ".");
}

int ShowKey(const ApiSession& session, const std::string& id, bool json) {
  return GetAndPrint(session, KeyPath(id), json, RenderKeyDetails);
}

int WhoAmI(const ApiSession& session, bool json) {
  return GetAndPrint(session, "/v1/apikeys/current", json, RenderKeyDetails);
}

int UpdateKey(const ApiSession& session, const std::string& id, const UpdateKeyFlags& flags,
              bool json) {
  const auto body = BuildUpdateBody(flags);
  HttpRequest request{Method::kPatch, KeyPath(id), {}, json::serialize(body.value())};
  auto result = session.Call(request);
  if (const int* code = std::get_if<int>(&result)) return *code;
  return PrintObject(session, std::get<Reply>(result), json, [](const json::object& key) {
    return "Updated API key " + Field(key, "id") + ".\n" + RenderKeyDetails(key);
  });
}

int ChangeKeyState(const ApiSession& session, const std::string& id, const std::string& action,
                   bool json) {
  auto result = session.Call(Post(KeyPath(id, "/" + action), json::object()));
  if (const int* code = std::get_if<int>(&result)) return *code;
  return PrintObject(session, std::get<Reply>(result), json, [](const json::object& key) {
    return "API key " + Field(key, "id") + " (" + Field(key, "name") +
           ") is now: " + Field(key, "status") + "\n";
  });
}

int RotateKey(const ApiSession& session, const std::string& id,
              std::optional<long long> grace_period_seconds, bool json) {
  auto result = session.Call(Post(KeyPath(id, "/rotate"), BuildRotateBody(grace_period_seconds)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  const std::string old_secret =
      grace_period_seconds.value_or(0) > 0
          ? "the old secret keeps working for " + std::to_string(*grace_period_seconds) + " s"
          : "the old secret no longer works";
  return PrintWithSecret(session, std::get<Reply>(result), json,
                         "Rotated the secret of API key " + id + "; " + old_secret + ".");
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

int ListRoles(const ApiSession& session, const ListFlags& flags, bool all, bool json) {
  return List(session, "/v1/roles", flags, all, json, RenderRoleTable, "No roles.");
}

int ShowRole(const ApiSession& session, const std::string& id, bool json) {
  return GetAndPrint(session, "/v1/roles/" + PathSegment(id), json, RenderRoleDetails);
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
  if (!file) {
    session.err() << "keyward: cannot write " << Printable(part) << '\n';
    return kExitFailure;
  }
  int code = session.Stream(request, [&file](std::string_view piece) {
    file.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    return static_cast<bool>(file);
  });
  file.close();
  std::error_code ec;
  if (code == kExitOk && !file) {
    session.err() << "keyward: cannot write " << Printable(part) << '\n';
    code = kExitFailure;
  }
  if (code == kExitOk) std::filesystem::rename(part, *output, ec);
  if (code == kExitOk && ec) {
    session.err() << "keyward: cannot rename " << Printable(part) << ": " << ec.message() << '\n';
    code = kExitFailure;
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
