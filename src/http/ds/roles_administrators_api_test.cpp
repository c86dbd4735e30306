// The Deep Security role and administrator calls in process: ApiHandler (which hands /api to the
// dialect's front door) over a real KeyService, RoleService and AccountService on a MemoryStore
// (core's KeyFixture, with its bootstrap Master Administrator key), called as the SDK calls.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;

class DeepSecurityRolesApi : public testing::ApiHandlerFixture {
 protected:
  Response Ds(bh::verb method, std::string_view target, std::string body,
              const std::string& secret) {
    Request req{method, target, 11};
    req.set("api-version", "v1");
    req.set("api-secret-key", secret);
    req.set(bh::field::content_type, "application/json");
    req.set(bh::field::accept, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return Call(req);
  }
  Response Master(bh::verb method, std::string_view target, std::string body = "{}") {
    return Ds(method, target, std::move(body), master_token_);
  }
  static std::string Msg(const Response& res) {
    return std::string(Body(res).at("message").as_string());
  }
  // The native role's permissions.
  std::vector<std::string> NativePermissions(std::int64_t id) {
    const Response res = Admin(bh::verb::get, "/v1/roles/" + std::to_string(id));
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    std::vector<std::string> out;
    const json::object role = Body(res);
    for (const json::value& p : role.at("permissions").as_array()) {
      out.emplace_back(p.as_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(DeepSecurityRolesApi, RoleLifecycleMapsRightsToPermissions) {
  Response res = Master(bh::verb::post, "/api/roles", R"({"name": "Viewers",
      "rights": {"platformRights": {"apikeyRights": {"canViewApiKeys": true}},
                 "computerRights": {"x": true}}, "allPolicies": false})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const json::object created = Body(res);
  const std::int64_t id = created.at("ID").as_int64();
  EXPECT_GE(id, 100);
  EXPECT_EQ(NativePermissions(id), std::vector<std::string>{"apikeys:view"});

  res = Master(bh::verb::post, "/api/roles/" + std::to_string(id),
               R"({"rights": {"platformRights": {"administratorRoleRights":
                   {"canViewAdministratorRoles": true}}}})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(NativePermissions(id), (std::vector<std::string>{"apikeys:view", "roles:view"}));
  EXPECT_TRUE(Body(res).at("rights").at("computerRights").at("x").as_bool());
  EXPECT_FALSE(Body(res).at("allPolicies").as_bool());

  res = Master(bh::verb::post, "/api/roles/search",
               R"({"searchCriteria": [{"fieldName": "name", "stringTest": "equal",
                   "stringValue": "View%"}]})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  ASSERT_EQ(Body(res).at("roles").as_array().size(), 1u);
  EXPECT_EQ(Body(res).at("roles").as_array()[0].at("ID").as_int64(), id);

  res = Master(bh::verb::delete_, "/api/roles/" + std::to_string(id));
  EXPECT_EQ(res.result_int(), 204u) << res.body();
  res = Master(bh::verb::get, "/api/roles/" + std::to_string(id));
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(Msg(res), "The role does not exist.");
}

TEST_F(DeepSecurityRolesApi, BuiltInRolesAreImmutable) {
  Response res = Master(bh::verb::post, "/api/roles/2", R"({"description": "x"})");
  EXPECT_EQ(res.result_int(), 400u) << res.body();
  res = Master(bh::verb::get, "/api/roles/3");
  ASSERT_EQ(res.result_int(), 200u);
  EXPECT_TRUE(Body(res).at("immutable").as_bool());
  EXPECT_EQ(Body(res).at("name").as_string(), "Master Administrator");
}

TEST_F(DeepSecurityRolesApi, WronglyTypedRightIsNamed) {
  const Response res = Master(bh::verb::post, "/api/roles", R"({"name": "n",
      "rights": {"platformRights": {"apikeyRights": {"canDeleteApiKeys": 1}}}})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_THAT(Msg(res), HasSubstr("rights.platformRights.apikeyRights.canDeleteApiKeys"));
}

TEST_F(DeepSecurityRolesApi, AdministratorLifecycle) {
  Response res = Master(bh::verb::post, "/api/administrators",
                        R"({"username": "ada@example.com", "roleID": "2",
                            "fullName": "Ada", "password": "a first passphrase"})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const json::object created = Body(res);
  const std::int64_t id = created.at("ID").as_int64();
  EXPECT_EQ(created.at("username").as_string(), "ada@example.com");
  EXPECT_EQ(created.at("roleID").as_int64(), 2);
  EXPECT_EQ(created.at("fullName").as_string(), "Ada");
  EXPECT_FALSE(created.contains("password"));
  EXPECT_THAT(res.body(), ::testing::Not(HasSubstr("a first passphrase")));

  const Response native = Admin(bh::verb::get, "/v1/accounts/" + std::to_string(id));
  ASSERT_EQ(native.result_int(), 200u) << native.body();
  EXPECT_EQ(Body(native).at("accessLevel").as_string(), "console_and_api");
  EXPECT_TRUE(Body(native).at("mustChangePassword").as_bool());

  res = Master(bh::verb::post, "/api/administrators/" + std::to_string(id),
               R"({"active": false, "phoneNumber": "1"})");
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_FALSE(Body(res).at("active").as_bool());
  EXPECT_EQ(Body(res).at("fullName").as_string(), "Ada");
  EXPECT_EQ(Body(res).at("phoneNumber").as_string(), "1");

  res = Master(bh::verb::delete_, "/api/administrators/" + std::to_string(id));
  EXPECT_EQ(res.result_int(), 204u) << res.body();
  res = Master(bh::verb::get, "/api/administrators/" + std::to_string(id));
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(Msg(res), "The administrator does not exist.");
}

TEST_F(DeepSecurityRolesApi, AUsernameThatIsNotAnEmailIsNamed) {
  const Response res =
      Master(bh::verb::post, "/api/administrators", R"({"username": "ada", "roleID": 2})");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_THAT(Msg(res), HasSubstr("username"));
}

TEST_F(DeepSecurityRolesApi, AnAuditorKeyMayNotCreateAdministratorsOrRoles) {
  const auto [id, token] = CreateKey("", "auditor", "Auditor");
  Response res = Ds(bh::verb::post, "/api/administrators",
                    R"({"username": "x@example.com", "roleID": 2})", token);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(Msg(res), "Not authorized to create administrators.");
  res = Ds(bh::verb::post, "/api/roles", R"({"name": "x"})", token);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(Msg(res), "Not authorized to create roles.");
  res = Ds(bh::verb::get, "/api/administrators", "{}", token);
  EXPECT_EQ(res.result_int(), 200u) << res.body();
}

}  // namespace
}  // namespace keyward::http
