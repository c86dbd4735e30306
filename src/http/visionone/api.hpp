// The Vision One dialect's calls (docs/vision-one.md), one function per route, and its route
// table: each route's permission and function. VisionOneApi routes, authenticates, checks the
// permission and words errors; these functions read the call, ask core and render.
//
// Thread-safe: the table is constant and the collaborators are thread-safe; PatchKey's
// read-compare-change runs under one process-wide mutex, so PATCHes take turns.
#pragma once

#include <boost/url/params_view.hpp>

#include <cstddef>
#include <span>
#include <string_view>

#include "core/principal.hpp"
#include "core/result.hpp"
#include "http/handler.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"
#include "http/v1/api.hpp"

namespace keyward::http::visionone {

using Services = v1::Services;

// Items a create or delete body may hold.
inline constexpr std::size_t kMaxBulkItems = 100;
// Page sizes of the list: `top` from 1 to kMaxTop, kDefaultTop when not given.
inline constexpr int kDefaultTop = 50;
inline constexpr int kMaxTop = 200;

// One authenticated call.
struct Call {
  const core::Principal& caller;
  const RouteMatch& route;                // kFound
  const boost::urls::params_view& query;  // decoded query parameters
  const Request& request;
  const RequestContext& context;

  std::string_view body() const { return request.body(); }
  core::Locale locale() const { return caller.locale; }
};

using CallHandler = core::Result<Reply> (*)(const Services& services, const Call& call);

struct Endpoint {
  Route route;
  std::string_view permission;
  CallHandler handler;
};

// POST /v3.0/iam/apiKeys: a JSON array of keys to create -> 207 with a result per item.
core::Result<Reply> CreateKeys(const Services& services, const Call& call);
// GET /v3.0/iam/apiKeys: top, orderBy, skipToken and TMV1-Filter -> a page.
core::Result<Reply> ListKeys(const Services& services, const Call& call);
// GET /v3.0/iam/apiKeys/{id}: the key with its ETag.
core::Result<Reply> GetKey(const Services& services, const Call& call);
// PATCH /v3.0/iam/apiKeys/{id}: If-Match required -> 204.
core::Result<Reply> PatchKey(const Services& services, const Call& call);
// POST /v3.0/iam/apiKeys/delete: a JSON array of {"id"} -> 207 with a result per item.
core::Result<Reply> DeleteKeys(const Services& services, const Call& call);

// The dialect's routes, and the permission and function of one of them.
RouteTable Routes();
// Precondition: `route` points into Routes().
const Endpoint& EndpointOf(const Route& route);

}  // namespace keyward::http::visionone
