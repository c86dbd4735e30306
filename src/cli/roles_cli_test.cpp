// `keyward permissions` and `keyward roles ...`: what goes on the wire, what is printed, and the
// exit codes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "testing/cli/cli_test_util.hpp"

namespace keyward::cli {
namespace {

namespace json = boost::json;
using testing::EnvFor;
using testing::FakeApiServer;
using testing::Outcome;
using testing::RunKeyward;

constexpr char kRole[] =
    R"({"id":"9","name":"Gateway","description":"Verifies keys","builtIn":false,)"
    R"("permissions":["keys:verify","apikeys:view"]})";

std::string Method(const FakeApiServer& server) {
  return std::string(server.requests().at(0).method_string());
}

std::string Target(const FakeApiServer& server) {
  return std::string(server.requests().at(0).target());
}

json::value Body(const FakeApiServer& server) {
  return json::parse(server.requests().at(0).body());
}

TEST(Permissions, ListsNameGroupAndDescription) {
  FakeApiServer server({{200, R"({"items":[{"name":"apikeys:view","group":"API Keys",)"
                              R"("description":"See API keys"},{"name":"keys:verify",)"
                              R"("group":"Verification","description":"Verify keys"}]})"}});
  const Outcome o = RunKeyward({"permissions"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "GET");
  EXPECT_EQ(Target(server), "/v1/permissions");
  EXPECT_EQ(o.out,
            "NAME          GROUP         DESCRIPTION\n"
            "apikeys:view  API Keys      See API keys\n"
            "keys:verify   Verification  Verify keys\n");
}

TEST(Permissions, JsonPrintsTheResponseAsIs) {
  const std::string body = R"({"items":[{"name":"a:b","group":"G","description":"D"}]})";
  FakeApiServer server({{200, body}});
  const Outcome o = RunKeyward({"permissions", "--json"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, body + "\n");
}

TEST(RolesCreate, SendsNameDescriptionAndEveryPermissionAndPrintsTheRole) {
  FakeApiServer server({{201, kRole}});
  const Outcome o =
      RunKeyward({"roles", "create", "--name", "Gateway", "--description", "Verifies keys",
                  "--permission", "keys:verify", "--permission", "apikeys:view"},
                 EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "POST");
  EXPECT_EQ(Target(server), "/v1/roles");
  EXPECT_EQ(Body(server), json::parse(R"({"name":"Gateway","description":"Verifies keys",)"
                                      R"("permissions":["keys:verify","apikeys:view"]})"));
  EXPECT_EQ(o.out,
            "Created role 9.\n"
            "ID:          9\n"
            "Name:        Gateway\n"
            "Description: Verifies keys\n"
            "Built-in:    no\n"
            "Permissions: keys:verify\n"
            "             apikeys:view\n");
}

TEST(RolesCreate, WithoutDescriptionSendsNoneAndJsonPrintsTheResponseAsIs) {
  FakeApiServer server({{201, kRole}});
  const Outcome o =
      RunKeyward({"roles", "create", "--name", "Gateway", "--permission", "keys:verify", "--json"},
                 EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Body(server), json::parse(R"({"name":"Gateway","permissions":["keys:verify"]})"));
  EXPECT_EQ(o.out, std::string(kRole) + "\n");
}

TEST(RolesCreate, NameAndAPermissionAreRequired) {
  FakeApiServer server({});
  EXPECT_EQ(RunKeyward({"roles", "create", "--name", "Gateway"}, EnvFor(server)).exit_code, 2);
  EXPECT_EQ(RunKeyward({"roles", "create", "--permission", "a:b"}, EnvFor(server)).exit_code, 2);
  EXPECT_TRUE(server.requests().empty());
}

TEST(RolesCreate, APermissionTheCallerLacksExits3WithTheServerMessage) {
  FakeApiServer server({{403, R"({"error":{"code":"permission_denied","message":"you cannot )"
                              R"(grant the permission audit:view, which you do not hold",)"
                              R"("field":"permissions[0]"}})"}});
  const Outcome o =
      RunKeyward({"roles", "create", "--name", "x", "--permission", "audit:view"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(o.err,
            "keyward: you cannot grant the permission audit:view, which you do not hold "
            "(field: permissions[0])\n");
}

TEST(RolesUpdate, SendsOnlyTheFlagsGivenAndPermissionsReplaceTheList) {
  FakeApiServer server({{200, kRole}});
  const Outcome o = RunKeyward(
      {"roles", "update", "9", "--permission", "keys:verify", "--permission", "apikeys:view"},
      EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "PATCH");
  EXPECT_EQ(Target(server), "/v1/roles/9");
  EXPECT_EQ(Body(server), json::parse(R"({"permissions":["keys:verify","apikeys:view"]})"));
  EXPECT_EQ(o.out.rfind("Updated role 9.\n", 0), 0u) << o.out;
}

TEST(RolesUpdate, RenamingSendsTheNameAlone) {
  FakeApiServer server({{200, kRole}});
  const Outcome o = RunKeyward({"roles", "update", "9", "--name", "Edge"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Body(server), json::parse(R"({"name":"Edge"})"));
}

TEST(RolesUpdate, NothingToChangeIsAUsageErrorWithoutARequest) {
  FakeApiServer server({});
  const Outcome o = RunKeyward({"roles", "update", "9"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("nothing to update"), std::string::npos) << o.err;
  EXPECT_TRUE(server.requests().empty());
}

TEST(RolesUpdate, ABuiltInRoleExits5) {
  FakeApiServer server({{409, R"({"error":{"code":"read_only","message":)"
                              R"("role Auditor is built in and cannot be changed"}})"}});
  const Outcome o = RunKeyward({"roles", "update", "2", "--name", "x"}, EnvFor(server));
  EXPECT_EQ(o.exit_code, 5);
  EXPECT_EQ(o.err, "keyward: role Auditor is built in and cannot be changed\n");
  EXPECT_EQ(o.out, "");
}

TEST(RolesDelete, SendsDeleteAndConfirms) {
  FakeApiServer server({{204, ""}, {204, ""}});
  const Outcome o = RunKeyward({"roles", "delete", "9"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Method(server), "DELETE");
  EXPECT_EQ(Target(server), "/v1/roles/9");
  EXPECT_EQ(o.out, "Deleted role 9.\n");

  const Outcome as_json = RunKeyward({"roles", "delete", "9", "--json"}, EnvFor(server));
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out), json::parse(R"({"id":"9","status":204})"));
}

TEST(RolesDelete, InUseExits5AndUnknownExits4) {
  FakeApiServer server(
      {{409, R"({"error":{"code":"in_use","message":)"
             R"("role Gateway is in use by 3 API keys and 0 accounts"}})"},
       {404, R"({"error":{"code":"not_found","message":"role 8 does not exist"}})"}});
  const Outcome in_use = RunKeyward({"roles", "delete", "9"}, EnvFor(server));
  EXPECT_EQ(in_use.exit_code, 5);
  EXPECT_EQ(in_use.err, "keyward: role Gateway is in use by 3 API keys and 0 accounts\n");
  EXPECT_EQ(in_use.out, "");
  const Outcome unknown = RunKeyward({"roles", "delete", "8"}, EnvFor(server));
  EXPECT_EQ(unknown.exit_code, 4);
}

TEST(RolesShow, GetsTheRoleUnderItsEncodedId) {
  FakeApiServer server({{200, kRole}});
  const Outcome o = RunKeyward({"roles", "show", "9"}, EnvFor(server));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Target(server), "/v1/roles/9");
  EXPECT_NE(o.out.find("Name:        Gateway\n"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace keyward::cli
