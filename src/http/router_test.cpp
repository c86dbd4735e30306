#include "http/router.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace keyward::http {
namespace {

RouteId Found(std::string_view method, std::string_view path) {
  const RouteMatch match = MatchRoute(method, path);
  EXPECT_EQ(match.kind, RouteMatch::Kind::kFound) << method << " " << path;
  return match.route != nullptr ? match.route->id : RouteId::kHealthz;
}

TEST(Router, RoutesEveryKeyCall) {
  EXPECT_EQ(Found("POST", "/v1/apikeys"), RouteId::kKeysCreate);
  EXPECT_EQ(Found("GET", "/v1/apikeys"), RouteId::kKeysList);
  EXPECT_EQ(Found("GET", "/v1/apikeys/42"), RouteId::kKeyGet);
  EXPECT_EQ(Found("PATCH", "/v1/apikeys/42"), RouteId::kKeyUpdate);
  EXPECT_EQ(Found("DELETE", "/v1/apikeys/42"), RouteId::kKeyDelete);
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/enable"), RouteId::kKeyEnable);
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/disable"), RouteId::kKeyDisable);
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/lock"), RouteId::kKeyLock);
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/unlock"), RouteId::kKeyUnlock);
  EXPECT_EQ(Found("POST", "/v1/apikeys/42/rotate"), RouteId::kKeyRotate);
  EXPECT_EQ(Found("POST", "/v1/apikeys/delete"), RouteId::kKeysBulkDelete);
}

TEST(Router, RoutesServiceRolesAndPermissions) {
  EXPECT_EQ(Found("GET", "/healthz"), RouteId::kHealthz);
  EXPECT_EQ(Found("GET", "/readyz"), RouteId::kReadyz);
  EXPECT_EQ(Found("GET", "/metrics"), RouteId::kMetrics);
  EXPECT_EQ(Found("GET", "/v1/openapi.json"), RouteId::kOpenApi);
  EXPECT_EQ(Found("GET", "/v1/permissions"), RouteId::kPermissionsList);
  EXPECT_EQ(Found("GET", "/v1/roles"), RouteId::kRolesList);
  EXPECT_EQ(Found("GET", "/v1/roles/3"), RouteId::kRoleGet);
}

TEST(Router, ExtractsTheIdParameter) {
  const RouteMatch match = MatchRoute("POST", "/v1/apikeys/77/rotate");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.Param("id"), "77");
  EXPECT_EQ(match.Param("other"), "");
}

TEST(Router, CurrentIsNotShadowedByIdParameter) {
  EXPECT_EQ(Found("GET", "/v1/apikeys/current"), RouteId::kKeysCurrent);
  EXPECT_TRUE(MatchRoute("GET", "/v1/apikeys/current").params.empty());
}

TEST(Router, ReservedSegmentsAreTheirOwnPaths) {
  // "current" and "delete" are never ids: other methods on them are 405, not an {id} route.
  const RouteMatch patch_current = MatchRoute("PATCH", "/v1/apikeys/current");
  EXPECT_EQ(patch_current.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(patch_current.allow, "GET");
  const RouteMatch get_delete = MatchRoute("GET", "/v1/apikeys/delete");
  EXPECT_EQ(get_delete.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(get_delete.allow, "POST");
}

TEST(Router, TrailingSlashIsNotFound) {
  EXPECT_EQ(MatchRoute("GET", "/v1/apikeys/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/healthz/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/v1/apikeys/42/").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, EmptyAndDotSegmentsAreNotFound) {
  EXPECT_EQ(MatchRoute("GET", "/v1//apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/v1/./apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/v1/roles/../apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "v1/apikeys").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, UnknownPathIsNotFound) {
  EXPECT_EQ(MatchRoute("GET", "/v2/apikeys").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/v1/apikeys/42/enable/now").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, PercentEncodedSegmentsAreDecoded) {
  EXPECT_EQ(Found("GET", "/v1/api%6Beys"), RouteId::kKeysList);
  EXPECT_EQ(Found("GET", "/v1/apikeys/%63urrent"), RouteId::kKeysCurrent);
  const RouteMatch match = MatchRoute("GET", "/v1/apikeys/%34%32");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.Param("id"), "42");
}

TEST(Router, EncodedSlashStaysInsideItsSegment) {
  const RouteMatch match = MatchRoute("GET", "/v1/apikeys/42%2Fenable");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->id, RouteId::kKeyGet);
  EXPECT_EQ(match.Param("id"), "42/enable");
}

TEST(Router, MalformedPercentEncodingIsNotFound) {
  EXPECT_EQ(MatchRoute("GET", "/v1/apikeys/%4").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/v1/apikeys/%zz").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, WrongMethodIsMethodNotAllowedWithAllow) {
  const RouteMatch put = MatchRoute("PUT", "/v1/apikeys/42");
  EXPECT_EQ(put.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(put.route, nullptr);
  EXPECT_EQ(put.allow, "GET, PATCH, DELETE");
  const RouteMatch del = MatchRoute("DELETE", "/v1/apikeys");
  EXPECT_EQ(del.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(del.allow, "POST, GET");
  EXPECT_EQ(MatchRoute("POST", "/healthz").allow, "GET");
}

TEST(Router, MethodIsCaseSensitive) {
  EXPECT_EQ(MatchRoute("get", "/healthz").kind, RouteMatch::Kind::kMethodNotAllowed);
}

TEST(Router, RoutesVerify) {
  EXPECT_EQ(Found("POST", "/v1/keys/verify"), RouteId::kKeysVerify);
  const RouteMatch get = MatchRoute("GET", "/v1/keys/verify");
  EXPECT_EQ(get.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(get.allow, "POST");
}

TEST(Router, AuthzTakesEveryMethod) {
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "BREW"}) {
    EXPECT_EQ(Found(method, "/v1/authz"), RouteId::kAuthz) << method;
  }
}

TEST(Router, AuthzOwnsEveryPathBelowIt) {
  // Whatever a gateway appends: depth, empty segments, a trailing slash, bad percent-encoding.
  for (const char* path : {"/v1/authz/", "/v1/authz/api/orders/42", "/v1/authz//x",
                           "/v1/authz/a%zz", "/v1/authz/1/2/3/4/5/6/7/8/9/10", "/v1/authz/.."}) {
    EXPECT_EQ(Found("GET", path), RouteId::kAuthz) << path;
    ASSERT_NE(MatchSubtreeRoute("GET", path), nullptr) << path;
    EXPECT_EQ(MatchSubtreeRoute("GET", path)->id, RouteId::kAuthz);
  }
}

TEST(Router, AuthzPrefixIsASegmentNotAString) {
  EXPECT_EQ(MatchRoute("GET", "/v1/authzx").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MatchSubtreeRoute("GET", "/v1/authzx"), nullptr);
  EXPECT_EQ(MatchSubtreeRoute("GET", "/v1/apikeys"), nullptr);
  EXPECT_EQ(MatchSubtreeRoute("GET", "/v1"), nullptr);
}

TEST(Router, AnyMethodRouteAllowsEveryMethod) {
  const Route* authz = MatchSubtreeRoute("GET", "/v1/authz");
  ASSERT_NE(authz, nullptr);
  EXPECT_TRUE(authz->Allows("PROPFIND"));
  const RouteMatch get = MatchRoute("GET", "/healthz");
  ASSERT_NE(get.route, nullptr);
  EXPECT_TRUE(get.route->Allows("GET"));
  EXPECT_FALSE(get.route->Allows("POST"));
}

TEST(Router, TableHasNoDuplicateMethodAndPattern) {
  std::set<std::string> seen;
  for (const Route& route : RouteTable()) {
    const std::string key = std::string(route.method) + " " + std::string(route.pattern);
    EXPECT_TRUE(seen.insert(key).second) << key;
  }
}

TEST(Router, OnlyServiceRoutesArePublic) {
  for (const Route& route : RouteTable()) {
    const bool service = route.id == RouteId::kHealthz || route.id == RouteId::kReadyz ||
                         route.id == RouteId::kMetrics || route.id == RouteId::kOpenApi;
    EXPECT_EQ(route.access == Access::kPublic, service) << route.pattern;
  }
}

TEST(Router, OnlyAuthzChecksThePresentedTokenWithoutACaller) {
  for (const Route& route : RouteTable()) {
    EXPECT_EQ(route.access == Access::kPresentedToken, route.id == RouteId::kAuthz)
        << route.pattern;
    EXPECT_EQ(route.subtree, route.id == RouteId::kAuthz) << route.pattern;
  }
}

}  // namespace
}  // namespace keyward::http
