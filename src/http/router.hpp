// Routes and the routing function: a pure function of a route table, a request's method and its
// path to a route and its path parameters. Generic: each API surface declares its own table (the
// native API's is v1/routes.hpp) and the router knows nothing of what a route does. No I/O, so it
// is unit-tested and fuzzed apart from any server. Thread-safe (tables are constant).
//
// Path rules (decided here, documented for clients):
// - Each segment is percent-decoded before matching, so "/v1/api%6Beys" is "/v1/apikeys"; an
//   encoded "/" ("%2F") stays inside its segment and never creates a new one.
// - No normalisation beyond that: a trailing slash ("/v1/apikeys/"), an empty segment ("//"),
//   "." and ".." segments, and malformed percent-encoding all name no route (404).
// - A literal segment beats a parameter: "/v1/apikeys/current" and "/v1/apikeys/delete" are
//   their own paths, never an {id}. A path that matches but not with the request's method is
//   405 with the methods that path allows.
// - A subtree route (/v1/authz) owns its pattern and every path below it, whatever follows
//   ("/v1/authz/", "/v1/authz//x", "/v1/authz/a%zz", any depth): a gateway appends the original
//   request's path to it. Its pattern is all literal and compared undecoded, and subtree routes
//   are tried before every other route.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::http {

// Who may call a route: anyone; only a caller with a valid credential (an API key or a console
// session); only a console session; anyone who signs in with an email and a password (no
// credential); or no caller at all, the token the request presents being the subject the route
// checks (forward-auth).
enum class Access { kPublic, kAuthenticated, kSession, kSignIn, kPresentedToken };

// Route::method of a route that takes every method, known or not.
inline constexpr std::string_view kAnyMethod = "*";

struct Route {
  std::string_view name;     // unique in its table; the native API's is the OpenAPI operationId
  std::string_view method;   // "GET", "POST", "PATCH", "DELETE", or kAnyMethod
  std::string_view pattern;  // "/v1/apikeys/{id}/enable": literal segments and {name} parameters
  Access access;
  bool subtree = false;  // also matches every path below `pattern` (see the path rules)

  // Whether the route takes `method` (as on the request line, case-sensitive).
  bool Allows(std::string_view request_method) const {
    return method == kAnyMethod || method == request_method;
  }
};

// A surface's routes, in a stable order (its OpenAPI document iterates them).
using RouteTable = std::span<const Route>;

// A surface's entries (each holding its Route as `route`, beside whatever the surface needs to
// run it) and the routes the router matches, made from them at compile time, so the two can
// never disagree. Of(route) is the entry of a route MatchRoute found in routes().
template <typename Entry, std::size_t N>
class EntryTable {
 public:
  constexpr explicit EntryTable(const std::array<Entry, N>& entries) : entries_(entries) {
    for (std::size_t i = 0; i < N; ++i) routes_[i] = entries_[i].route;
  }
  std::span<const Entry> entries() const { return entries_; }
  RouteTable routes() const { return routes_; }
  // Precondition: `route` points into routes().
  const Entry& Of(const Route& route) const {
    assert(&route >= routes_.data() && &route < routes_.data() + N);
    return entries_[static_cast<std::size_t>(&route - routes_.data())];
  }

 private:
  std::array<Entry, N> entries_;
  std::array<Route, N> routes_{};
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };

  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // kFound only; points into the table routed
  // Decoded path parameters by name, in pattern order (kFound only).
  std::vector<std::pair<std::string_view, std::string>> params;
  // The methods the path allows, comma-separated for an Allow header (kMethodNotAllowed only).
  std::string allow;

  // The parameter `name`, or an empty view when the route has none by that name.
  std::string_view Param(std::string_view name) const;
};

// Whether request target `target` (path and query, as on the request line) names `prefix` or a
// path below it: "/api", "/api/x" and "/api?q" are below "/api"; "/apikeys" is not. How the front
// door tells which surface owns a request before any surface routes it.
bool TargetUnder(std::string_view target, std::string_view prefix);

// Routes `method` (as on the request line, case-sensitive) and `path` (the percent-encoded path
// of the request target, without query or fragment) in `table`.
RouteMatch MatchRoute(RouteTable table, std::string_view method, std::string_view path);

// The subtree route of `table` that owns `path` and takes `method`, or null. Allocates nothing,
// so a hot path can ask it before routing in full; MatchRoute gives the same answer for these
// paths.
const Route* MatchSubtreeRoute(RouteTable table, std::string_view method, std::string_view path);

}  // namespace keyward::http
