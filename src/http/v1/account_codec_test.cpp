#include "http/v1/account_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyward::http {
namespace {

namespace json = boost::json;

std::vector<std::string> Strings(const json::array& array) {
  std::vector<std::string> out;
  for (const json::value& v : array) out.emplace_back(v.as_string());
  return out;
}

std::vector<std::string> CatalogueWhere(bool (*keep)(std::string_view)) {
  std::vector<std::string> out;
  for (const core::PermissionInfo& info : core::PermissionCatalogue()) {
    if (keep(info.name)) out.emplace_back(info.name);
  }
  return out;
}

TEST(AccountCodec, MasterAdministratorSessionListsTheWholeCatalogue) {
  EXPECT_EQ(Strings(SessionPermissionsJson(core::PermissionSet::All())),
            CatalogueWhere([](std::string_view) { return true; }));
}

TEST(AccountCodec, FullAccessSessionListsAllButAccountTokens) {
  const std::vector<std::string> shown =
      Strings(SessionPermissionsJson(core::PermissionSet::AllButTokens()));
  EXPECT_EQ(shown, CatalogueWhere(
                       [](std::string_view name) { return name != core::perm::kAccountsTokens; }));
}

TEST(AccountCodec, CustomRoleSessionListsItsNamesFreeFormOnesToo) {
  const core::PermissionSet role = core::PermissionSet::Of({"orders:read", "apikeys:view"});
  EXPECT_EQ(Strings(SessionPermissionsJson(role)),
            (std::vector<std::string>{"apikeys:view", "orders:read"}));
  EXPECT_TRUE(SessionPermissionsJson(core::PermissionSet()).empty());  // the role is gone
}

TEST(AccountCodec, SessionJsonCarriesThePermissions) {
  core::SessionInfo info;
  info.permissions = core::PermissionSet::Views();
  const json::object o = SessionJson(info, core::Time{}, "UTC");
  ASSERT_TRUE(o.contains("permissions"));
  EXPECT_EQ(Strings(o.at("permissions").as_array()),
            CatalogueWhere([](std::string_view name) { return name.ends_with(":view"); }));
}

}  // namespace
}  // namespace keyward::http
