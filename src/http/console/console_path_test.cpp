// Which console file a request target names (console_path.hpp): no escape, dot segment, empty
// segment or backslash names a file.
#include "http/console/console_path.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace keyward::http::console {
namespace {

using Kind = ConsoleTarget::Kind;

std::string_view FileOf(std::string_view target) {
  const ConsoleTarget resolved = ResolveConsoleTarget(target);
  EXPECT_EQ(resolved.kind, Kind::kFile) << target;
  return resolved.file;
}

TEST(IsConsoleTarget, TheRootAndBelow) {
  EXPECT_TRUE(IsConsoleTarget("/console"));
  EXPECT_TRUE(IsConsoleTarget("/console/"));
  EXPECT_TRUE(IsConsoleTarget("/console/js/app.js"));
  EXPECT_TRUE(IsConsoleTarget("/console?x=1"));
  EXPECT_TRUE(IsConsoleTarget("/console/../v1/apikeys"));  // the console's, and 404 there
}

TEST(IsConsoleTarget, NothingElse) {
  EXPECT_FALSE(IsConsoleTarget("/consoles"));
  EXPECT_FALSE(IsConsoleTarget("/console.html"));
  EXPECT_FALSE(IsConsoleTarget("/Console/"));
  EXPECT_FALSE(IsConsoleTarget("//console/"));
  EXPECT_FALSE(IsConsoleTarget("/v1/console"));
  EXPECT_FALSE(IsConsoleTarget("/%63onsole/"));
  EXPECT_FALSE(IsConsoleTarget("http://host/console/"));
  EXPECT_FALSE(IsConsoleTarget("/"));
  EXPECT_FALSE(IsConsoleTarget(""));
}

TEST(ResolveConsoleTarget, RootRedirects) {
  EXPECT_EQ(ResolveConsoleTarget("/console").kind, Kind::kRedirect);
  EXPECT_EQ(ResolveConsoleTarget("/console?next=x").kind, Kind::kRedirect);
}

TEST(ResolveConsoleTarget, SlashIsTheIndex) {
  EXPECT_EQ(FileOf("/console/"), "index.html");
  EXPECT_EQ(FileOf("/console/?lang=ja"), "index.html");
  EXPECT_EQ(FileOf("/console/#/keys"), "index.html");
}

TEST(ResolveConsoleTarget, FilesAsWritten) {
  EXPECT_EQ(FileOf("/console/index.html"), "index.html");
  EXPECT_EQ(FileOf("/console/js/app.js?v=3"), "js/app.js");
  EXPECT_EQ(FileOf("/console/fonts/inter-var_1~2.woff2"), "fonts/inter-var_1~2.woff2");
}

TEST(ResolveConsoleTarget, TraversalNamesNothing) {
  for (const std::string_view target : {
           "/console/..",
           "/console/../",
           "/console/../v1/apikeys",
           "/console/js/../app.css",
           "/console/./app.css",
           "/console/js/./app.js",
           "/console/%2e%2e/etc/passwd",
           "/console/%2E%2E/",
           "/console/.%2e/",
           "/console/js%2fapp.js",
           "/console/js%2Fapp.js",
           "/console/%61pp.css",
           "/console/..%5capp.css",
           "/console/js\\app.js",
           "/console//app.css",
           "/console/js//app.js",
           "/console/js/",
           "/console/.hidden",
           "/console/js/.app.js",
           "/console/app.css%00.html",
           "/console/app css",
       }) {
    EXPECT_EQ(ResolveConsoleTarget(target).kind, Kind::kNotFound) << target;
  }
}

TEST(ResolveConsoleTarget, NotTheConsoleNamesNothing) {
  EXPECT_EQ(ResolveConsoleTarget("/consoles/app.css").kind, Kind::kNotFound);
  EXPECT_EQ(ResolveConsoleTarget("/v1/apikeys").kind, Kind::kNotFound);
}

}  // namespace
}  // namespace keyward::http::console
