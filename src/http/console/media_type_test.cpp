// The media types console files are served with (media_type.hpp).
#include "http/console/media_type.hpp"

#include <gtest/gtest.h>

namespace keyward::http::console {
namespace {

TEST(MediaTypeFor, EachServedExtension) {
  EXPECT_EQ(MediaTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(MediaTypeFor("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(MediaTypeFor("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MediaTypeFor("js/lib.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MediaTypeFor("img/logo.svg"), "image/svg+xml");
  EXPECT_EQ(MediaTypeFor("img/logo.png"), "image/png");
  EXPECT_EQ(MediaTypeFor("i18n/ja-JP.json"), "application/json");
  EXPECT_EQ(MediaTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(MediaTypeFor("fonts/inter.woff2"), "font/woff2");
  EXPECT_EQ(MediaTypeFor("robots.txt"), "text/plain; charset=utf-8");
}

TEST(MediaTypeFor, ExtensionsCompareWithoutCase) {
  EXPECT_EQ(MediaTypeFor("LOGO.PNG"), "image/png");
  EXPECT_EQ(MediaTypeFor("Index.Html"), "text/html; charset=utf-8");
}

TEST(MediaTypeFor, OtherExtensionsHaveNone) {
  EXPECT_EQ(MediaTypeFor("README.md"), std::nullopt);
  EXPECT_EQ(MediaTypeFor("app.js.map"), std::nullopt);
  EXPECT_EQ(MediaTypeFor("Makefile"), std::nullopt);
  EXPECT_EQ(MediaTypeFor("js.d/app"), std::nullopt);  // the dot is in a folder's name
  EXPECT_EQ(MediaTypeFor("html"), std::nullopt);
  EXPECT_EQ(MediaTypeFor("app."), std::nullopt);
  EXPECT_EQ(MediaTypeFor(""), std::nullopt);
}

}  // namespace
}  // namespace keyward::http::console
