#include "http/router.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "http/v1/routes.hpp"

namespace keyward::http {
namespace {

// The name of the native API's route for `method` `path`.
std::string_view Found(std::string_view method, std::string_view path) {
  const RouteMatch match = MatchRoute(v1::Routes(), method, path);
  EXPECT_EQ(match.kind, RouteMatch::Kind::kFound) << method << " " << path;
  return match.route != nullptr ? match.route->name : "";
}

TEST(Router, RoutesEveryKeyCall) {
  EXPECT_EQ(Found("POST", "/v1/apikeys"), "createApiKey");
  EXPECT_EQ(Found("GET", "/v1/apikeys"), "listApiKeys");
  EXPECT_EQ(Found("GET", "/v1/apikeys/42"), "getApiKey");
  EXPECT_EQ(Found("PATCH", "/v1/apikeys/42"), "updateApiKey");
  EXPECT_EQ(Found("DELETE", "/v1/apikeys/42"), "deleteApiKey");
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/enable"), "enableApiKey");
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/disable"), "disableApiKey");
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/lock"), "lockApiKey");
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/unlock"), "unlockApiKey");
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/rotate"), "rotateApiKey");
  EXPECT_EQ(Found("POST", "/v1/apikeys/delete"), "deleteApiKeys");
}

TEST(Router, RoutesServiceRolesAndPermissions) {
  EXPECT_EQ(Found("GET", "/healthz"), "healthz");
  EXPECT_EQ(Found("GET", "/readyz"), "readyz");
  EXPECT_EQ(Found("GET", "/metrics"), "metrics");
  EXPECT_EQ(Found("GET", "/v1/openapi.json"), "openapi");
  EXPECT_EQ(Found("GET", "/v1/permissions"), "listPermissions");
  EXPECT_EQ(Found("GET", "/v1/roles"), "listRoles");
  EXPECT_EQ(Found("GET", "/v1/roles/3"), "getRole");
}

TEST(Router, ExtractsTheIdParameter) {
  const RouteMatch match = MatchRoute(v1::Routes(), "POST", "/v1/apikeys/77/rotate");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.Param("id"), "77");
  EXPECT_EQ(match.Param("other"), "");
}

TEST(Router, CurrentIsNotShadowedByIdParameter) {
  EXPECT_EQ(Found("GET", "/v1/apikeys/current"), "getCurrentApiKey");
  EXPECT_TRUE(MatchRoute(v1::Routes(), "GET", "/v1/apikeys/current").params.empty());
}

TEST(Router, ReservedSegmentsAreTheirOwnPaths) {
  // "current" and "delete" are never ids: other methods on them are 405, not an {id} route.
  const RouteMatch patch_current = MatchRoute(v1::Routes(), "PATCH", "/v1/apikeys/current");
  EXPECT_EQ(patch_current.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(patch_current.allow, "GET");
  const RouteMatch get_delete = MatchRoute(v1::Routes(), "GET", "/v1/apikeys/delete");
  EXPECT_EQ(get_delete.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(get_delete.allow, "POST");
}

TEST(Router, TrailingSlashIsNotFound) {
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/apikeys/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/healthz/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/apikeys/42/").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, EmptyAndDotSegmentsAreNotFound) {
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1//apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/./apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/roles/../apikeys").kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "v1/apikeys").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, UnknownPathIsNotFound) {
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v2/apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/apikeys/42/enable/now").kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, PercentEncodedSegmentsAreDecoded) {
  EXPECT_EQ(Found("GET", "/v1/api%6Beys"), "listApiKeys");
  EXPECT_EQ(Found("GET", "/v1/apikeys/%63urrent"), "getCurrentApiKey");
  const RouteMatch match = MatchRoute(v1::Routes(), "GET", "/v1/apikeys/%34%32");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.Param("id"), "42");
}

TEST(Router, EncodedSlashStaysInsideItsSegment) {
  const RouteMatch match = MatchRoute(v1::Routes(), "GET", "/v1/apikeys/42%2Fenable");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->name, "getApiKey");
  EXPECT_EQ(match.Param("id"), "42/enable");
}

TEST(Router, MalformedPercentEncodingIsNotFound) {
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/apikeys/%4").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/apikeys/%zz").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, WrongMethodIsMethodNotAllowedWithAllow) {
  const RouteMatch put = MatchRoute(v1::Routes(), "PUT", "/v1/apikeys/42");
  EXPECT_EQ(put.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(put.route, nullptr);
  EXPECT_EQ(put.allow, "GET, PATCH, DELETE");
  const RouteMatch del = MatchRoute(v1::Routes(), "DELETE", "/v1/apikeys");
  EXPECT_EQ(del.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(del.allow, "POST, GET");
  EXPECT_EQ(MatchRoute(v1::Routes(), "POST", "/healthz").allow, "GET");
}

TEST(Router, MethodIsCaseSensitive) {
  EXPECT_EQ(MatchRoute(v1::Routes(), "get", "/healthz").kind, RouteMatch::Kind::kMethodNotAllowed);
}

TEST(Router, RoutesVerify) {
  EXPECT_EQ(Found("POST", "/v1/keys/verify"), "verifyApiKey");
  const RouteMatch get = MatchRoute(v1::Routes(), "GET", "/v1/keys/verify");
  EXPECT_EQ(get.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(get.allow, "POST");
}

TEST(Router, AuthzTakesEveryMethod) {
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "BREW"}) {
    EXPECT_EQ(Found(method, "/v1/authz"), "authz") << method;
  }
}

TEST(Router, AuthzOwnsEveryPathBelowIt) {
  // Whatever a gateway appends: depth, empty segments, a trailing slash, bad percent-encoding.
  for (const char* path : {"/v1/authz/", "/v1/authz/api/orders/42", "/v1/authz//x",
                           "/v1/authz/a%zz", "/v1/authz/1/2/3/4/5/6/7/8/9/10", "/v1/authz/.."}) {
    EXPECT_EQ(Found("GET", path), "authz") << path;
    ASSERT_NE(MatchSubtreeRoute(v1::Routes(), "GET", path), nullptr) << path;
    EXPECT_EQ(MatchSubtreeRoute(v1::Routes(), "GET", path)->name, "authz");
  }
}

TEST(Router, AuthzPrefixIsASegmentNotAString) {
  EXPECT_EQ(MatchRoute(v1::Routes(), "GET", "/v1/authzx").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchSubtreeRoute(v1::Routes(), "GET", "/v1/authzx"), nullptr);
  EXPECT_EQ(MatchSubtreeRoute(v1::Routes(), "GET", "/v1/apikeys"), nullptr);
  EXPECT_EQ(MatchSubtreeRoute(v1::Routes(), "GET", "/v1"), nullptr);
}

TEST(Router, AnyMethodRouteAllowsEveryMethod) {
  const Route* authz = MatchSubtreeRoute(v1::Routes(), "GET", "/v1/authz");
  ASSERT_NE(authz, nullptr);
  EXPECT_TRUE(authz->Allows("PROPFIND"));
  const RouteMatch get = MatchRoute(v1::Routes(), "GET", "/healthz");
  ASSERT_NE(get.route, nullptr);
  EXPECT_TRUE(get.route->Allows("GET"));
  EXPECT_FALSE(get.route->Allows("POST"));
}

TEST(Router, TableHasNoDuplicateMethodAndPattern) {
  std::set<std::string> seen;
  for (const Route& route : v1::Routes()) {
    const std::string key = std::string(route.method) + " " + std::string(route.pattern);
    EXPECT_TRUE(seen.insert(key).second) << key;
  }
}

TEST(Router, TableHasNoDuplicateName) {
  std::set<std::string_view> seen;
  for (const Route& route : v1::Routes()) {
    EXPECT_FALSE(route.name.empty()) << route.pattern;
    EXPECT_TRUE(seen.insert(route.name).second) << route.name;
  }
}

TEST(Router, OnlyServiceRoutesArePublic) {
  for (const Route& route : v1::Routes()) {
    const bool service = route.name == "healthz" || route.name == "readyz" ||
                         route.name == "metrics" || route.name == "openapi";
    EXPECT_EQ(route.access == Access::kPublic, service) << route.pattern;
  }
}

TEST(Router, OnlyAuthzChecksThePresentedTokenWithoutACaller) {
  for (const Route& route : v1::Routes()) {
    EXPECT_EQ(route.access == Access::kPresentedToken, route.name == "authz") << route.pattern;
    EXPECT_EQ(route.subtree, route.name == "authz") << route.pattern;
  }
}

TEST(TargetUnder, TakesThePrefixItselfAndWhatIsBelowItOnly) {
  EXPECT_TRUE(TargetUnder("/api", "/api"));
  EXPECT_TRUE(TargetUnder("/api/apikeys", "/api"));
  EXPECT_TRUE(TargetUnder("/api?x=1", "/api"));
  EXPECT_TRUE(TargetUnder("/v3.0/iam/apiKeys", "/v3.0"));
  EXPECT_FALSE(TargetUnder("/apikeys", "/api"));
  EXPECT_FALSE(TargetUnder("/v1/apikeys", "/api"));
  EXPECT_FALSE(TargetUnder("/v3.01", "/v3.0"));
  EXPECT_FALSE(TargetUnder("", "/api"));
}

}  // namespace
}  // namespace keyward::http
