#include "http/error_map.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace keyward::http {
namespace {

using core::ErrorCode;

TEST(ErrorMap, MapsEveryCodeToItsStatus) {
  const std::vector<std::pair<ErrorCode, unsigned>> table = {
      {ErrorCode::kInvalidArgument, 400},
      {ErrorCode::kImmutableField, 400},
      {ErrorCode::kMalformedJson, 400},
      {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kPermissionDenied, 403},
      {ErrorCode::kNotFound, 404},
      {ErrorCode::kAlreadyExists, 409},
      {ErrorCode::kReadOnly, 409},
      {ErrorCode::kConflict, 409},
      {ErrorCode::kInUse, 409},
      {ErrorCode::kLastMasterAdministrator, 409},
      {ErrorCode::kPayloadTooLarge, 413},
      {ErrorCode::kRateLimited, 429},
      {ErrorCode::kUnavailable, 503},
      {ErrorCode::kInternal, 500}};
  for (const auto& [code, status] : table) EXPECT_EQ(HttpStatus(code), status) << CodeName(code);
}

TEST(ErrorMap, BodyCarriesCodeMessageAndField) {
  const core::Error e = core::InvalidArgument(core::Msg::kRequired, "name", {"name"});
  const Reply reply = ErrorReply(e, core::Locale::kEnUs);
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(reply.body,
            R"({"error":{"code":"invalid_argument","message":"name is required","field":"name"}})");
}

TEST(ErrorMap, EchoedValuesAreBoundedInTheMessageAndTheField) {
  const std::string huge(60 * 1024, 'x');
  const core::Error e = core::InvalidArgument(core::Msg::kUnknownField, huge, {huge});
  const Reply reply = ErrorReply(e, core::Locale::kEnUs);
  ASSERT_LT(reply.body.size(), 1024u);
  const boost::json::object error = boost::json::parse(reply.body).at("error").as_object();
  const std::string bounded = std::string(core::kMaxEchoCodePoints, 'x') + "\u2026";
  EXPECT_EQ(error.at("field").as_string(), bounded);
  EXPECT_EQ(error.at("message").as_string(), "unknown field " + bounded);
  // Cut on a code point, never inside one; short values pass unchanged.
  std::string kana;
  for (int i = 0; i < 200; ++i) kana += "\u3042";
  EXPECT_EQ(core::BoundEcho(kana).size(), core::kMaxEchoCodePoints * 3 + 3);
  EXPECT_EQ(core::BoundEcho("name"), "name");
  EXPECT_EQ(core::BoundEcho(std::string(core::kMaxEchoCodePoints, 'y')),
            std::string(core::kMaxEchoCodePoints, 'y'));
}

TEST(ErrorMap, BodyOmitsFieldWhenNoneIsAtFault) {
  const Reply reply =
      ErrorReply(core::MakeError(ErrorCode::kAlreadyExists, core::Msg::kKeyNameTaken, {"x"}),
                 core::Locale::kEnUs);
  EXPECT_FALSE(boost::json::parse(reply.body).at("error").as_object().contains("field"));
}

TEST(ErrorMap, MessageFollowsTheLocale) {
  const core::Error e = core::InvalidArgument(core::Msg::kRequired, "name", {"name"});
  const auto body = boost::json::parse(ErrorReply(e, core::Locale::kJaJp).body);
  EXPECT_EQ(body.at("error").at("message").as_string(), "name は必須です");
}

TEST(ErrorMap, InternalDetailNeverReachesTheCaller) {
  const Reply reply =
      ErrorReply(core::Internal("SELECT secret FROM keys failed"), core::Locale::kEnUs);
  EXPECT_EQ(reply.status, 500u);
  EXPECT_EQ(reply.body, R"({"error":{"code":"internal","message":"an internal error occurred"}})");
  const Reply down = ErrorReply(core::Unavailable("db at 10.0.0.5 refused"), core::Locale::kEnUs);
  EXPECT_EQ(down.body.find("10.0.0.5"), std::string::npos);
}

TEST(ErrorMap, UnauthenticatedCarriesBearerChallenge) {
  const Reply reply =
      ErrorReply(core::MakeError(ErrorCode::kUnauthenticated, core::Msg::kUnauthenticated),
                 core::Locale::kEnUs);
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(reply.Header("www-authenticate"), "Bearer");
}

TEST(ErrorMap, RateLimitedCarriesRetryAfter) {
  const Reply reply = ErrorReply(core::MakeError(ErrorCode::kRateLimited, core::Msg::kRateLimited),
                                 core::Locale::kEnUs);
  EXPECT_EQ(reply.status, 429u);
  EXPECT_EQ(reply.Header("Retry-After"), "60");
}

TEST(ErrorMap, MethodNotAllowedCarriesAllow) {
  const Reply reply = MethodNotAllowedReply("PUT", "GET, POST", core::Locale::kEnUs);
  EXPECT_EQ(reply.status, 405u);
  EXPECT_EQ(reply.Header("Allow"), "GET, POST");
  EXPECT_EQ(reply.body, R"({"error":{"code":"method_not_allowed",)"
                        R"("message":"method PUT is not allowed here"}})");
}

TEST(ErrorMap, SafeEchoOmitsTokensAndOddText) {
  EXPECT_EQ(SafeEcho("42"), "42");
  EXPECT_EQ(SafeEcho("kw_abc"), "(omitted)");
  EXPECT_EQ(SafeEcho("kw%5Fabc"), "(omitted)");
  EXPECT_EQ(SafeEcho("%256Bw_abc"), "(omitted)");
  EXPECT_EQ(SafeEcho(std::string(40, 'a')), "(omitted)");
  EXPECT_EQ(SafeEcho(std::string(65, 'a')), "(omitted)");
  EXPECT_EQ(SafeEcho("a\nb"), "(omitted)");
}

}  // namespace
}  // namespace keyward::http
