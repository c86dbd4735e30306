#include "http/v1/openapi.hpp"

#include <boost/json/serialize.hpp>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "http/v1/openapi_components.hpp"
#include "http/v1/routes.hpp"

namespace keyward::http {
namespace {

namespace json = boost::json;

// `text` as Boost.JSON's string view.
json::string_view Text(std::string_view text) { return {text.data(), text.size()}; }

json::object Ref(std::string_view kind, std::string_view name) {
  return json::object{{"$ref", "#/components/" + std::string(kind) + "/" + std::string(name)}};
}

json::object JsonContent(std::string_view schema) {
  return json::object{{"application/json", json::object{{"schema", Ref("schemas", schema)}}}};
}

// Each name of a space-separated list.
std::vector<std::string_view> Words(std::string_view list) {
  std::vector<std::string_view> words;
  while (!list.empty()) {
    const std::size_t space = list.find(' ');
    if (space != 0) words.push_back(list.substr(0, space));
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return words;
}

json::array Parameters(const v1::Endpoint& endpoint) {
  json::array params;
  if (endpoint.route.pattern.find("{id}") != std::string_view::npos) {
    params.push_back(Ref("parameters", "id"));
  }
  for (const std::string_view name : Words(endpoint.doc.query)) {
    params.push_back(json::object{
        {"name", Text(name)}, {"in", "query"}, {"schema", json::object{{"type", "string"}}}});
  }
  for (const std::string_view name : Words(endpoint.doc.parameters)) {
    params.push_back(Ref("parameters", name));
  }
  return params;
}

// The methods a route is documented under: its own, or for a route that takes every method,
// each one OpenAPI 3.0 can name but trace.
std::vector<std::string_view> DocumentedMethods(const Route& route) {
  if (route.method == kAnyMethod)
    return {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"};
  return {route.method};
}

json::object SuccessResponse(const v1::OpenApiOperation& op) {
  json::object response{{"description", Text(op.summary)}};
  const json::object text{{"schema", json::object{{"type", "string"}}}};
  switch (op.body) {
    case v1::ResponseBody::kSchema:
      if (!op.response.empty()) response["content"] = JsonContent(op.response);
      break;
    case v1::ResponseBody::kText:
      response["content"] = json::object{{"text/plain", text}};
      break;
    case v1::ResponseBody::kAnyJsonObject:
      response["content"] = json::object{
          {"application/json", json::object{{"schema", json::object{{"type", "object"}}}}}};
      break;
    case v1::ResponseBody::kJsonLinesOrCsv:
      response["content"] = json::object{{"application/x-ndjson", text}, {"text/csv", text}};
      response["headers"] =
          json::object{{"Content-Disposition",
                        json::object{{"schema", json::object{{"type", "string"}}},
                                     {"description",
                                      "attachment; filename=\"keyward-audit-<time>.<format>\""}}}};
      break;
  }
  return response;
}

// The error responses of a call made with a caller's credential.
void AddAuthenticatedErrors(const v1::Endpoint& endpoint, json::object& responses) {
  const Route& route = endpoint.route;
  responses["400"] = Ref("responses", "BadRequest");
  responses["401"] = Ref("responses", "Unauthenticated");
  responses["403"] = Ref("responses", "PermissionDenied");
  if (route.pattern.find("{id}") != std::string_view::npos) {
    responses["404"] = Ref("responses", "NotFound");
  }
  if (route.method != "GET" && !endpoint.doc.never_conflicts) {
    responses["409"] = Ref("responses", "Conflict");
  }
  responses["429"] = Ref("responses", "RateLimited");
  responses["503"] = Ref("responses", "Unavailable");
}

// The operation id of `route` under `method`: its name, with the method appended for a route that
// takes every method, so that ids stay unique per document ("authzGet", "authzPost", ...).
std::string OperationId(const Route& route, std::string_view method) {
  std::string id(route.name);
  if (route.method == kAnyMethod) {
    id += method.front();
    for (const char c : method.substr(1)) {
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return id;
}

// The security requirements and error responses of `endpoint`, by who may call it.
void AddAccess(const v1::Endpoint& endpoint, json::object& out, json::object& responses) {
  switch (endpoint.route.access) {
    case Access::kPublic:
      out["security"] = json::array{};
      if (endpoint.doc.may_be_unavailable) responses["503"] = Ref("responses", "Unavailable");
      break;
    case Access::kAuthenticated:
      out["security"] = json::array{json::object{{"bearer", json::array{}}},
                                    json::object{{"apiSecretKey", json::array{}}},
                                    json::object{{"session", json::array{}}}};
      AddAuthenticatedErrors(endpoint, responses);
      break;
    case Access::kSession:
      out["security"] = json::array{json::object{{"session", json::array{}}}};
      AddAuthenticatedErrors(endpoint, responses);
      break;
    case Access::kSignIn:
      // Email and password in the body; a credential header is refused.
      out["security"] = json::array{};
      responses["400"] = Ref("responses", "BadRequest");
      responses["401"] = Ref("responses", "Unauthenticated");
      responses["403"] = Ref("responses", "PermissionDenied");
      responses["429"] = Ref("responses", "RateLimited");
      responses["503"] = Ref("responses", "Unavailable");
      break;
    case Access::kPresentedToken:
      // The presented token is checked, never refused with an error body: 200, 401 or 403.
      out["security"] = json::array{json::object{{"bearer", json::array{}}},
                                    json::object{{"apiSecretKey", json::array{}}},
                                    json::object{{"xApiKey", json::array{}}}};
      responses[std::to_string(endpoint.doc.status)] = Ref("responses", "AuthzAllowed");
      responses["401"] = Ref("responses", "AuthzUnauthenticated");
      responses["403"] = Ref("responses", "AuthzForbidden");
      break;
  }
}

// The operation of `endpoint` under `method` (one of DocumentedMethods(endpoint.route)).
json::object OperationJson(const v1::Endpoint& endpoint, std::string_view method) {
  const v1::OpenApiOperation& op = endpoint.doc;
  json::object out;
  out["operationId"] = OperationId(endpoint.route, method);
  out["summary"] = Text(op.summary);
  if (!endpoint.permission.empty()) {
    out["description"] = "Requires the permission " + std::string(endpoint.permission) + ".";
    out["x-keyward-permission"] = Text(endpoint.permission);
  }
  out["tags"] = json::array{Text(op.tag)};
  json::array params = Parameters(endpoint);
  if (!params.empty()) out["parameters"] = std::move(params);
  if (!op.request.empty()) {
    // An empty body counts as {} (docs/api.md "Conventions"), so no body is ever required.
    out["requestBody"] = json::object{{"required", false}, {"content", JsonContent(op.request)}};
  }
  json::object responses;
  responses[std::to_string(op.status)] = SuccessResponse(op);
  AddAccess(endpoint, out, responses);
  out["responses"] = std::move(responses);
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

json::value Build() {
  json::object paths;
  for (const v1::Endpoint& endpoint : v1::Endpoints()) {
    json::value& item = paths[endpoint.route.pattern];
    if (!item.is_object()) item = json::object{};
    for (const std::string_view method : DocumentedMethods(endpoint.route)) {
      item.as_object()[Lower(method)] = OperationJson(endpoint, method);
    }
  }
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = json::object{{"title", "Keyward native API"},
                             {"version", "1"},
                             {"description",
                              "Self-hosted API key management and verification. Ids are decimal "
                              "strings; times are RFC 3339 in the caller's time zone."}};
  doc["security"] = json::array{json::object{{"bearer", json::array{}}},
                                json::object{{"apiSecretKey", json::array{}}}};
  doc["paths"] = std::move(paths);
  doc["components"] = OpenApiComponents();
  return doc;
}

}  // namespace

const json::value& OpenApiDocument() {
  static const json::value doc = Build();
  return doc;
}

const std::string& OpenApiJson() {
  static const std::string text = json::serialize(OpenApiDocument());
  return text;
}

}  // namespace keyward::http
