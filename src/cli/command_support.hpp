// The shared steps of the client commands (commands.cpp, role_commands.cpp,
// account_commands.cpp): building requests, printing one object or a paged list, for people or
// as JSON. Internal to src/cli. Thread-compatible, like the ApiSession they print through.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/api_session.hpp"
#include "cli/request_builder.hpp"

namespace keyward::cli {

// With --all and no --limit, pages are as large as the API allows: fewer round trips.
inline constexpr int kAllPageSize = 500;

// Requests without a query; Post and Patch carry `body` as JSON.
HttpRequest Get(std::string path);
HttpRequest Post(std::string path, const boost::json::object& body);
HttpRequest Patch(std::string path, const boost::json::object& body);
HttpRequest Delete(std::string path);

// Returns a string field of `object` made Printable, or "" when it is missing or not a string.
std::string Field(const boost::json::object& object, std::string_view field);

using ObjectRenderer = std::function<std::string(const boost::json::object&)>;
using ListRenderer = std::string (*)(const boost::json::array&);

// Prints a reply that should be one object: as is with `json`, else through `render`. Returns
// kExitOk, or reports a reply that is not an object and returns kExitFailure.
int PrintObject(const ApiSession& session, const Reply& reply, bool json,
                const ObjectRenderer& render);

// Sends `request` and prints the object it answers with, as PrintObject does.
int CallAndPrint(const ApiSession& session, const HttpRequest& request, bool json,
                 const ObjectRenderer& render);

// Prints a reply holding a new secret ({"secret": "...", ...}): `headline` and `render` of the
// reply, then the secret on a line of its own, the one time it is shown; with `json`, the reply
// as is. A reply without a secret is reported and returns kExitFailure.
int PrintWithSecret(const ApiSession& session, const Reply& reply, bool json,
                    const std::string& headline, const ObjectRenderer& render);

// Sends a DELETE of `path` (answered 204) and prints `done` on a line, or with `json` the
// document {"id": "<id>", "status": 204}, as nothing comes back to print as is.
int DeleteAndReport(const ApiSession& session, std::string path, const std::string& id, bool json,
                    const std::string& done);

// Query parameters, in the order they are sent.
using Query = std::vector<std::pair<std::string, std::string>>;
// The query of one page: the first when `cursor` is nullopt, else the one nextCursor names.
using PageQuery = std::function<Query(const std::optional<std::string>& cursor)>;

// Lists a collection ({"items": [...], "nextCursor"}): one page, or with `all` every page, then
// one {"items": [...], "nextCursor": null} document with `json`. Prints `none` when there are no
// items, and a hint on standard error when one page was asked for and more follow.
int ListPages(const ApiSession& session, const std::string& path, const PageQuery& page_query,
              bool all, bool json, ListRenderer render, std::string_view none);

// ListPages with the query BuildListQuery makes of `flags`; `all` without a limit asks for
// pages of kAllPageSize.
int List(const ApiSession& session, const std::string& path, ListFlags flags, bool all, bool json,
         ListRenderer render, std::string_view none);

}  // namespace keyward::cli
