// The native API's route table: one entry per endpoint, declaring in one place everything about
// it — its route (name, method, pattern, who may call it), the permission its caller must hold,
// the function that answers it, and what the OpenAPI document says of it. The router
// (router.hpp) matches requests against Routes(); ApiHandler runs the entry of the route found;
// the OpenAPI document (openapi.hpp) is generated from Endpoints().
//
// To add an endpoint:
//   1. write its function in the file of its resource (keys.cpp, roles.cpp, ...) and declare it
//      in api.hpp: core::Result<Reply> Name(const Services&, const Call&);
//   2. add its entry to the table in routes.cpp, next to its resource's other entries;
//   3. add any new request or response schema to openapi_components.cpp.
// Nothing else routes, dispatches or describes it; the tests of router_test.cpp and
// openapi_test.cpp check the entry (unique name and route, documented, permission declared).
//
// Thread-safe: the table is constant.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::v1 {

// The function that answers a route.
using CallHandler = core::Result<Reply> (*)(const Services& services, const Call& call);

// The success body of an operation as the OpenAPI document shows it.
enum class ResponseBody {
  kSchema,          // OpenApiOperation::response (none when empty, e.g. 204)
  kText,            // text/plain (Prometheus metrics)
  kAnyJsonObject,   // application/json, any object (the OpenAPI document itself)
  kJsonLinesOrCsv,  // a streamed application/x-ndjson or text/csv attachment (audit export)
};

// What the OpenAPI document says of a route beyond its method, pattern, access and permission.
// The route's name is its operationId.
struct OpenApiOperation {
  std::string_view summary;
  std::string_view tag;
  std::string_view request = {};   // the request body's schema; empty: no body
  unsigned status = 200;           // the success status
  std::string_view response = {};  // the success body's schema (ResponseBody::kSchema)
  ResponseBody body = ResponseBody::kSchema;
  std::string_view query = {};       // inline string query parameters, space-separated
  std::string_view parameters = {};  // "#/components/parameters" names, space-separated
  bool may_be_unavailable = false;   // a public route that answers 503 when not ready
  bool never_conflicts = false;      // a non-GET route that never answers 409
};

struct Endpoint {
  Route route;
  // The permission the caller must hold; empty when the route needs none beyond its access.
  // ApiHandler checks it before the handler runs; core checks it again (and may check more, e.g.
  // accounts:tokens to delete an account's token through the keys API).
  std::string_view permission = {};
  CallHandler handler;
  OpenApiOperation doc;
  // A console session that must change its password may still call this route.
  bool during_password_change = false;
};

// Every endpoint, in a stable order (the OpenAPI document's).
std::span<const Endpoint> Endpoints();
// The routes of Endpoints(), in the same order: the table the router matches against.
RouteTable Routes();
// The entry of `route`. Precondition: `route` points into Routes().
const Endpoint& EndpointOf(const Route& route);

}  // namespace keyward::http::v1
