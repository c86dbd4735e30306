#include "http/v1/role_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/array.hpp>

#include <algorithm>

namespace keyward::http {
namespace {

namespace json = boost::json;

TEST(RoleCodec, RoleRendersPermissionsAndBuiltIn) {
  const core::Role& auditor = core::BuiltInRoles()[1];
  const json::object o = RoleJson(auditor);
  EXPECT_EQ(o.at("id").as_string(), "2");
  EXPECT_TRUE(o.at("builtIn").as_bool());
  const json::array& perms = o.at("permissions").as_array();
  EXPECT_NE(std::find(perms.begin(), perms.end(), json::value("apikeys:view")), perms.end());
  EXPECT_EQ(std::find(perms.begin(), perms.end(), json::value("apikeys:create")), perms.end());
}

}  // namespace
}  // namespace keyward::http
