// The permission each route's entry declares (v1/routes.hpp) is what ApiHandler requires before
// the route's function runs, and what the OpenAPI document states.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>

#include <cctype>
#include <string>
#include <string_view>

#include "http/front/api_handler.hpp"
#include "http/v1/openapi.hpp"
#include "http/v1/routes.hpp"
#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;

// One gtest suite per fixture class: the ApiHandler tests of this file read
// RoutePermissionsThroughApiHandler.Behaviour.
class RoutePermissionsThroughApiHandler : public testing::ApiHandlerFixture {
 protected:
  // The token of a key whose role holds one permission, which no route declares.
  std::string OutsiderToken() {
    const Response role = Admin(bh::verb::post, "/v1/roles",
                                R"({"name": "Outsiders", "permissions": ["orders:read"]})");
    EXPECT_EQ(role.result_int(), 201u) << role.body();
    return CreateKey("", "outsider", "Outsiders").second;
  }

  // `pattern` with its {id} filled in.
  static std::string Target(std::string_view pattern) {
    std::string target(pattern);
    if (const std::size_t at = target.find("{id}"); at != std::string::npos) {
      target.replace(at, 4, "1");
    }
    return target;
  }
};

TEST_F(RoutePermissionsThroughApiHandler, EveryDeclaredPermissionIsRequiredBeforeTheCall) {
  const std::string token = OutsiderToken();
  int checked = 0;
  for (const v1::Endpoint& endpoint : v1::Endpoints()) {
    if (endpoint.permission.empty()) continue;
    ++checked;
    const std::string target = Target(endpoint.route.pattern);
    const Response res = Send(bh::string_to_verb(endpoint.route.method), target, {}, token);
    EXPECT_EQ(res.result_int(), 403u) << endpoint.route.method << " " << target;
    EXPECT_EQ(Message(res), "this call requires the permission " + std::string(endpoint.permission))
        << endpoint.route.method << " " << target;
  }
  EXPECT_GT(checked, 30);
}

TEST_F(RoutePermissionsThroughApiHandler, RoutesWithoutADeclaredPermissionAnswerAnyValidKey) {
  const std::string token = OutsiderToken();
  EXPECT_EQ(Send(bh::verb::get, "/v1/apikeys/current", {}, token).result_int(), 200u);
  EXPECT_EQ(Send(bh::verb::get, "/v1/permissions", {}, token).result_int(), 200u);
}

TEST(RoutePermissions, AreStatedInTheOpenApiDocument) {
  const boost::json::object& paths = OpenApiDocument().at("paths").as_object();
  for (const v1::Endpoint& endpoint : v1::Endpoints()) {
    if (endpoint.route.method == kAnyMethod) continue;
    std::string method(endpoint.route.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const boost::json::object& op = paths.at(endpoint.route.pattern).at(method).as_object();
    if (endpoint.permission.empty()) {
      EXPECT_FALSE(op.contains("x-keyward-permission")) << endpoint.route.name;
      continue;
    }
    EXPECT_EQ(std::string(op.at("x-keyward-permission").as_string()), endpoint.permission)
        << endpoint.route.name;
    EXPECT_THAT(std::string(op.at("description").as_string()),
                ::testing::HasSubstr(std::string(endpoint.permission)))
        << endpoint.route.name;
  }
}

}  // namespace
}  // namespace keyward::http
