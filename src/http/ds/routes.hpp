// The Deep Security dialect's route table: each route with the permission its caller must hold,
// the function that answers it, and the resource and action its errors are worded with ("Not
// authorized to view API keys.", "The API key does not exist."). Thread-safe: constant.
#pragma once

#include <span>
#include <string_view>

#include "core/result.hpp"
#include "http/ds/api.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"

namespace keyward::http::ds {

using CallHandler = core::Result<Reply> (*)(const Services& services, const Call& call);

// What a route acts on, for the dialect's error words.
enum class Resource { kApiKey, kRole, kAdministrator, kAuthentication };
// What it does to it: "Not authorized to <action> <resources>."
enum class Action { kView, kCreate, kEdit, kDelete, kLogIn };

struct Endpoint {
  Route route;
  // The permission the caller must hold (the front door checks it); empty: none beyond access.
  std::string_view permission;
  CallHandler handler;
  Resource resource;
  Action action;
};

std::span<const Endpoint> Endpoints();
RouteTable Routes();
// The entry of `route`. Precondition: `route` points into Routes().
const Endpoint& EndpointOf(const Route& route);

}  // namespace keyward::http::ds
