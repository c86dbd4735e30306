#include "http/ds/role_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

json::object Parse(std::string_view text) { return json::parse(text).as_object(); }

// The eight mapped rights of a rendered role, by permission.
std::map<std::string, bool> Rights(const json::object& role) {
  std::map<std::string, bool> out;
  const json::object& platform = role.at("rights").at("platformRights").as_object();
  for (const MappedRight& right : MappedRights()) {
    out[std::string(right.permission)] =
        platform.at(right.group).as_object().at(right.name).as_bool();
  }
  return out;
}

core::Role Custom(std::vector<std::string> permissions, std::string attributes = "") {
  core::Role role;
  role.id = 100;
  role.name = "Custom";
  role.description = "mine";
  role.permissions = core::PermissionSet::Of(std::move(permissions));
  role.attributes = std::move(attributes);
  return role;
}

void ExpectFieldError(const core::Result<core::RoleInput>& r, const std::string& field) {
  ASSERT_FALSE(r.has_value()) << field;
  EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, field);
}

TEST(DsRoleCodec, EveryFieldHasItsNameAndTypeWithTheDocumentedDefaults) {
  const json::object o = RoleJson(Custom({}));
  EXPECT_EQ(o.size(), 14u);
  EXPECT_EQ(o.at("ID").as_int64(), 100);
  EXPECT_EQ(o.at("name").as_string(), "Custom");
  EXPECT_EQ(o.at("description").as_string(), "mine");
  EXPECT_EQ(o.at("urn").as_string(), "urn:keyward:role:100");
  EXPECT_FALSE(o.at("immutable").as_bool());
  for (const char* flag : {"canOnlyManipulateUsersWithEqualOrLesserRights", "allComputers",
                           "allPolicies", "allowUserInterface", "allowWebService"}) {
    EXPECT_TRUE(o.at(flag).as_bool()) << flag;
  }
  for (const char* ids : {"computerIDs", "computerGroupIDs", "policyIDs"}) {
    EXPECT_TRUE(o.at(ids).as_array().empty()) << ids;
  }
  EXPECT_TRUE(o.at("rights").is_object());
  for (const auto& [permission, granted] : Rights(o)) EXPECT_FALSE(granted) << permission;
}

TEST(DsRoleCodec, BuiltInRolesDeriveTheirRightsFromTheirPermissionSets) {
  const std::vector<core::Role>& built_in = core::BuiltInRoles();
  for (const core::Role& role : built_in) {
    const json::object o = RoleJson(role);
    EXPECT_TRUE(o.at("immutable").as_bool());
    for (const auto& [permission, granted] : Rights(o)) {
      EXPECT_EQ(granted, role.permissions.Has(permission)) << role.name << " " << permission;
    }
  }
  const std::map<std::string, bool> auditor = Rights(RoleJson(built_in[1]));
  EXPECT_TRUE(auditor.at("apikeys:view"));
  EXPECT_TRUE(auditor.at("roles:view"));
  EXPECT_FALSE(auditor.at("apikeys:create"));
  EXPECT_FALSE(auditor.at("roles:delete"));
}

TEST(DsRoleCodec, RightsAreDerivedFromPermissionsEvenWhenAttributesSayOtherwise) {
  const json::object o = RoleJson(Custom(
      {"apikeys:edit", "audit:view"},
      R"({"rights":{"platformRights":{"apikeyRights":{"canViewApiKeys":true,"other":1}}}})"));
  const std::map<std::string, bool> rights = Rights(o);
  EXPECT_TRUE(rights.at("apikeys:edit"));
  EXPECT_FALSE(rights.at("apikeys:view"));
  EXPECT_EQ(o.at("rights").at("platformRights").at("apikeyRights").at("other").as_int64(), 1);
}

TEST(DsRoleCodec, CreateMapsTrueRightsToPermissionsAndKeepsTheRest) {
  const auto r = ParseRoleCreate(Parse(R"({
    "name": "Viewers", "description": "d", "ID": 7, "urn": "x", "immutable": true, "odd": 1,
    "allComputers": false, "computerIDs": [1, "2"], "policyIDs": null,
    "rights": {"platformRights": {
      "apikeyRights": {"canViewApiKeys": true, "canDeleteApiKeys": false},
      "administratorRoleRights": {"canEditAdministratorRoleProperties": true},
      "administratorRights": {"canViewOtherAdministrators": true, "gone": null}},
      "computerRights": {"canEditComputerProperties": false}}})"));
  ASSERT_TRUE(r.has_value()) << r.error().Message();
  EXPECT_EQ(*r->name, "Viewers");
  EXPECT_EQ(*r->description, "d");
  std::vector<std::string> permissions = *r->permissions;
  std::sort(permissions.begin(), permissions.end());
  EXPECT_EQ(permissions, (std::vector<std::string>{"apikeys:view", "roles:edit"}));
  ASSERT_TRUE(r->attributes.has_value());
  EXPECT_EQ(Parse(*r->attributes), Parse(R"({
    "allComputers": false, "computerIDs": [1, 2],
    "rights": {"platformRights": {"administratorRights": {"canViewOtherAdministrators": true}},
               "computerRights": {"canEditComputerProperties": false}}})"));
}

TEST(DsRoleCodec, CreateWithNoRightsHasNoPermissionsAndNoAttributes) {
  const auto r = ParseRoleCreate(Parse(R"({"name": "Bare"})"));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->permissions->empty());
  EXPECT_FALSE(r->attributes.has_value());
  EXPECT_FALSE(r->description.has_value());
}

TEST(DsRoleCodec, WrongTypesAreNamedByTheirPath) {
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": 5})")), "name");
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": "n", "description": true})")), "description");
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": "n", "allowWebService": "yes"})")),
                   "allowWebService");
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": "n", "policyIDs": 3})")), "policyIDs");
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": "n", "computerGroupIDs": [1, "x"]})")),
                   "computerGroupIDs[1]");
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": "n", "rights": []})")), "rights");
  ExpectFieldError(ParseRoleCreate(Parse(R"({"name": "n", "rights": {"platformRights": 1}})")),
                   "rights.platformRights");
  ExpectFieldError(
      ParseRoleCreate(Parse(R"({"name": "n", "rights": {"platformRights": {"apikeyRights": 1}}})")),
      "rights.platformRights.apikeyRights");
  ExpectFieldError(ParseRoleCreate(Parse(
                       R"({"name": "n", "rights": {"platformRights": {"apikeyRights":
                           {"canViewApiKeys": "true"}}}})")),
                   "rights.platformRights.apikeyRights.canViewApiKeys");
  ExpectFieldError(
      ParseRoleModify(Parse(R"({"rights": {"platformRights": {"administratorRoleRights":
                           {"canDeleteAdministratorRoles": 1}}}})"),
                      Custom({})),
      "rights.platformRights.administratorRoleRights.canDeleteAdministratorRoles");
}

TEST(DsRoleCodec, ModifyAddsAndRemovesOnlyTheGivenRightsAndKeepsOtherPermissions) {
  const core::Role stored = Custom({"apikeys:view", "apikeys:edit", "audit:view", "orders:read"});
  const auto r = ParseRoleModify(Parse(R"({"rights": {"platformRights": {
      "apikeyRights": {"canEditApiKeyProperties": false, "canViewApiKeys": true},
      "administratorRoleRights": {"canViewAdministratorRoles": true}}}})"),
                                 stored);
  ASSERT_TRUE(r.has_value()) << r.error().Message();
  EXPECT_FALSE(r->name.has_value());
  ASSERT_TRUE(r->permissions.has_value());
  EXPECT_EQ(core::PermissionSet::Of(*r->permissions),
            core::PermissionSet::Of({"apikeys:view", "audit:view", "orders:read", "roles:view"}));
}

TEST(DsRoleCodec, ModifyLeavesPermissionsAloneWhenTheyDoNotChange) {
  const core::Role stored = Custom({"apikeys:view"});
  const auto r =
      ParseRoleModify(Parse(R"({"name": "New", "rights": {"platformRights": {"apikeyRights":
               {"canViewApiKeys": true, "canDeleteApiKeys": false}}}})"),
                      stored);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r->name, "New");
  EXPECT_FALSE(r->permissions.has_value());
  // The rights object held only mapped rights: nothing of it is kept, the attributes stay.
  EXPECT_FALSE(r->attributes.has_value());
}

TEST(DsRoleCodec, ModifyMergesRightsDeeplyAndReplacesOtherMembers) {
  const core::Role stored = Custom({}, R"({"allComputers": false, "computerIDs": [1, 2],
      "rights": {"platformRights": {"administratorRights": {"a": true, "b": false}},
                 "computerRights": {"c": true}}})");
  const auto r = ParseRoleModify(Parse(R"({"computerIDs": [3], "allPolicies": false,
      "rights": {"platformRights": {"administratorRights": {"b": true}}, "policyRights": {"d": 1}}})"),
                                 stored);
  ASSERT_TRUE(r.has_value()) << r.error().Message();
  EXPECT_FALSE(r->permissions.has_value());
  EXPECT_EQ(Parse(*r->attributes), Parse(R"({"allComputers": false, "computerIDs": [3],
      "allPolicies": false,
      "rights": {"platformRights": {"administratorRights": {"a": true, "b": true}},
                 "computerRights": {"c": true}, "policyRights": {"d": 1}}})"));
}

TEST(DsRoleCodec, ModifyWithOnlyNameOrUnknownMembersKeepsAttributesUntouched) {
  const core::Role stored = Custom({}, R"({"allComputers": false})");
  const auto r =
      ParseRoleModify(Parse(R"({"description": "x", "unknown": {"y": 1}, "ID": 5})"), stored);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r->description, "x");
  EXPECT_FALSE(r->attributes.has_value());
  EXPECT_FALSE(r->permissions.has_value());
}

TEST(DsRoleCodec, RenderedAttributesRoundTrip) {
  const auto r = ParseRoleCreate(Parse(R"({"name": "n", "allowUserInterface": false,
      "policyIDs": [9], "rights": {"platformRights": {"apikeyRights": {"canViewApiKeys": true}},
      "computerRights": {"x": false}}})"));
  ASSERT_TRUE(r.has_value());
  core::Role role = Custom(*r->permissions, *r->attributes);
  const json::object o = RoleJson(role);
  EXPECT_FALSE(o.at("allowUserInterface").as_bool());
  EXPECT_EQ(o.at("policyIDs"), json::parse("[9]"));
  EXPECT_FALSE(o.at("rights").at("computerRights").at("x").as_bool());
  EXPECT_TRUE(Rights(o).at("apikeys:view"));
  // A rendered role sent back as a modify (as a client that read it does) renders the same.
  const auto again = ParseRoleModify(o, role);
  ASSERT_TRUE(again.has_value()) << again.error().Message();
  EXPECT_FALSE(again->permissions.has_value());
  core::Role modified = role;
  modified.attributes = *again->attributes;
  EXPECT_EQ(json::serialize(RoleJson(modified)), json::serialize(o));
}

TEST(DsRoleCodec, SearchValuesComeFromTheRenderedObject) {
  const json::object o = RoleJson(Custom({}));
  EXPECT_EQ(std::get<std::int64_t>(JsonFieldValue(o, "ID")), 100);
  EXPECT_EQ(std::get<std::string>(JsonFieldValue(o, "urn")), "urn:keyward:role:100");
  EXPECT_EQ(std::get<bool>(JsonFieldValue(o, "immutable")), false);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(JsonFieldValue(o, "rights")));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(JsonFieldValue(o, "missing")));
  std::vector<std::string_view> names;
  for (const SearchField& field : RoleSearchFields()) names.push_back(field.name);
  for (std::string_view name :
       {"ID", "name", "description", "urn", "immutable", "allowUserInterface", "allowWebService"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(DsRoleCodec, SearchAnswerFiltersSortsAndLimits) {
  std::vector<json::object> objects = {RoleJson(Custom({})), RoleJson(core::BuiltInRoles()[1]),
                                       RoleJson(core::BuiltInRoles()[0])};
  auto search =
      Search::Parse(Parse(R"({"searchCriteria": [{"fieldName": "immutable", "booleanTest": true}],
                "sortByObjectID": true})"),
                    RoleSearchFields());
  ASSERT_TRUE(search.has_value()) << search.error().Message();
  const json::array answer = SearchAnswer(*search, objects);
  ASSERT_EQ(answer.size(), 2u);
  EXPECT_EQ(answer[0].at("ID").as_int64(), 1);
  EXPECT_EQ(answer[1].at("ID").as_int64(), 2);
  auto limited = Search::Parse(Parse(R"({"maxItems": 1})"), RoleSearchFields());
  ASSERT_TRUE(limited.has_value());
  const json::array one = SearchAnswer(*limited, objects);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].at("ID").as_int64(), 100);
}

}  // namespace
}  // namespace keyward::http::ds
