#include "cli/command_support.hpp"

#include <boost/json/serialize.hpp>
#include <set>

#include "cli/exit_code.hpp"
#include "cli/table.hpp"

namespace keyward::cli {

namespace json = boost::json;

HttpRequest Get(std::string path) { return {Method::kGet, std::move(path), {}, std::nullopt}; }

HttpRequest Post(std::string path, const json::object& body) {
  return {Method::kPost, std::move(path), {}, json::serialize(body)};
}

HttpRequest Patch(std::string path, const json::object& body) {
  return {Method::kPatch, std::move(path), {}, json::serialize(body)};
}

HttpRequest Delete(std::string path) {
  return {Method::kDelete, std::move(path), {}, std::nullopt};
}

std::string Field(const json::object& object, std::string_view field) {
  const json::value* v = object.if_contains(field);
  return v != nullptr && v->is_string() ? Printable(v->get_string()) : "";
}

int PrintObject(const ApiSession& session, const Reply& reply, bool json,
                const ObjectRenderer& render) {
  const json::object* object = reply.json.if_object();
  if (object == nullptr) return session.BadResponse("is not a JSON object");
  if (json) {
    PrintRaw(session.out(), reply);
  } else {
    session.out() << render(*object);
  }
  return kExitOk;
}

int CallAndPrint(const ApiSession& session, const HttpRequest& request, bool json,
                 const ObjectRenderer& render) {
  auto result = session.Call(request);
  if (const int* code = std::get_if<int>(&result)) return *code;
  return PrintObject(session, std::get<Reply>(result), json, render);
}

int PrintWithSecret(const ApiSession& session, const Reply& reply, bool json,
                    const std::string& headline, const ObjectRenderer& render) {
  const json::object* object = reply.json.if_object();
  if (object == nullptr) return session.BadResponse("is not a JSON object");
  const std::string secret = Field(*object, "secret");
  if (json) {
    PrintRaw(session.out(), reply);
    return secret.empty() ? session.BadResponse("has no \"secret\"") : kExitOk;
  }
  session.out() << headline << '\n' << render(*object) << '\n';
  if (secret.empty()) return session.BadResponse("has no \"secret\"");
  session.out() << "Secret (shown once, store it now): " << secret << '\n';
  return kExitOk;
}

int DeleteAndReport(const ApiSession& session, std::string path, const std::string& id, bool json,
                    const std::string& done) {
  auto result = session.Call(Delete(std::move(path)));
  if (const int* code = std::get_if<int>(&result)) return *code;
  if (json) {
    session.out() << json::serialize(json::object{{"id", id}, {"status", 204}}) << '\n';
  } else {
    session.out() << done << '\n';
  }
  return kExitOk;
}

int ListPages(const ApiSession& session, const std::string& path, const PageQuery& page_query,
              bool all, bool json, ListRenderer render, std::string_view none) {
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
         ListRenderer render, std::string_view none) {
  if (all && !flags.limit) flags.limit = kAllPageSize;
  return ListPages(
      session, path,
      [&flags](const std::optional<std::string>& cursor) { return BuildListQuery(flags, cursor); },
      all, json, render, none);
}

}  // namespace keyward::cli
