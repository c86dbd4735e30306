#include "http/content_type.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

Request Post(std::string body) {
  Request request{bhttp::verb::post, "/v1/session", 11};
  request.body() = std::move(body);
  return request;
}

TEST(RequireJsonContentType, AcceptsABodyWithoutContentTypeOnlyWhenEmpty) {
  EXPECT_TRUE(RequireJsonContentType(Post("")).has_value());
  const core::Status st = RequireJsonContentType(Post("{}"));
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().field, "Content-Type");
}

TEST(RequireJsonContentType, AcceptsApplicationJsonWithParametersInAnyCase) {
  for (const char* type : {"application/json", "Application/JSON",
                           "application/json; charset=utf-8", " application/json ;charset=UTF-8"}) {
    Request request = Post("{}");
    request.set(bhttp::field::content_type, type);
    EXPECT_TRUE(RequireJsonContentType(request).has_value()) << type;
  }
}

TEST(RequireJsonContentType, RefusesOtherMediaTypesAndTwoContentTypes) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonx", ""}) {
    Request request = Post(R"({"email":"a@b","password":"x"})");
    request.set(bhttp::field::content_type, type);
    EXPECT_FALSE(RequireJsonContentType(request).has_value()) << type;
  }
  Request twice = Post("{}");
  twice.insert(bhttp::field::content_type, "application/json");
  twice.insert(bhttp::field::content_type, "text/plain");
  EXPECT_FALSE(RequireJsonContentType(twice).has_value());
}

}  // namespace
}  // namespace keyward::http
