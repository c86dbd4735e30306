#include "http/auth.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;

Request Get() { return Request{bh::verb::get, "/v1/apikeys", 11}; }

core::Status QueryCheck(std::string_view target) {
  return CheckQueryForCredentials(boost::urls::parse_origin_form(target).value().params());
}

TEST(Auth, ReadsABearerToken) {
  Request req = Get();
  req.set(bh::field::authorization, "Bearer kw_x");
  EXPECT_EQ(ExtractCredential(req).value(), "kw_x");
  req.set(bh::field::authorization, "bearer   kw_y ");
  EXPECT_EQ(ExtractCredential(req).value(), "kw_y");
}

TEST(Auth, ReadsTheApiSecretKeyHeader) {
  Request req = Get();
  req.set("api-secret-key", "kw_z");
  EXPECT_EQ(ExtractCredential(req).value(), "kw_z");
}

TEST(Auth, NoCredentialIsNullopt) {
  auto token = ExtractCredential(Get());
  ASSERT_TRUE(token.has_value());
  EXPECT_FALSE(token->has_value());
}

TEST(Auth, OtherAuthorizationSchemeIsAnEmptyToken) {
  Request req = Get();
  req.set(bh::field::authorization, "Basic YWRtaW46cGFzcw==");
  EXPECT_EQ(ExtractCredential(req).value(), "");
}

TEST(Auth, TwoDifferentCredentialsAreRefused) {
  Request both = Get();
  both.set(bh::field::authorization, "Bearer kw_x");
  both.set("api-secret-key", "kw_y");
  ASSERT_FALSE(ExtractCredential(both).has_value());
  EXPECT_EQ(ExtractCredential(both).error().msg, core::Msg::kTwoCredentials);
  Request twice = Get();
  twice.insert(bh::field::authorization, "Bearer kw_x");
  twice.insert(bh::field::authorization, "Bearer kw_z");
  EXPECT_FALSE(ExtractCredential(twice).has_value());
}

TEST(Auth, TheSameTokenInTwoHeadersIsOneCredential) {
  Request both = Get();
  both.set(bh::field::authorization, "Bearer kw_x");
  both.set("api-secret-key", "kw_x");
  EXPECT_EQ(ExtractCredential(both).value(), "kw_x");
}

TEST(Auth, TokenShapedQueryValueIsRefusedWithoutEchoingIt) {
  const core::Status st = QueryCheck("/v1/apikeys?q=kw_secretvalue");
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().msg, core::Msg::kTokenInQuery);
  EXPECT_EQ(st.error().field, "q");
  EXPECT_EQ(st.error().Message().find("secretvalue"), std::string::npos);
  EXPECT_FALSE(QueryCheck("/x?q=%6Bw_encoded").has_value());
}

TEST(Auth, CredentialParameterNamesAreRefused) {
  for (const char* target : {"/x?api_key=1", "/x?APIKEY=1", "/x?token=", "/x?access_token=a",
                             "/x?api-secret-key=a", "/x?Authorization=x"}) {
    EXPECT_FALSE(QueryCheck(target).has_value()) << target;
  }
}

TEST(Auth, ATokenAnywhereInTheQueryIsRefusedOnceDecoded) {
  const std::string token = "kw_AbCdEfGhIjKl_" + std::string(49, 'x');
  for (const std::string& query :
       {"?" + token, "?x=%20" + token, "?x=zz" + token, "?authorization=Bearer%20" + token,
        "?a=1&" + token + "=1", std::string("?x=%256Bw_AbCdEfGhIjKl"),
        std::string("?%6Bw_AbCd=1")}) {
    const core::Status st = QueryCheck("/v1/apikeys" + query);
    ASSERT_FALSE(st.has_value()) << query;
    EXPECT_EQ(st.error().msg, core::Msg::kTokenInQuery) << query;
    EXPECT_EQ(st.error().Message().find("AbCd"), std::string::npos) << query;
    EXPECT_EQ(st.error().field.find("kw_"), std::string::npos) << query;
  }
}

TEST(Auth, ATargetTooMalformedToParseIsStillSearchedForAToken) {
  EXPECT_FALSE(CheckTargetForToken("/v1/apikeys?x=%zzkw_AbCdEfGhIjKl").has_value());
  EXPECT_FALSE(CheckTargetForToken("/v1/apikeys?x=%zz%6Bw_").has_value());
  EXPECT_TRUE(CheckTargetForToken("/v1/apikeys?x=%zz").has_value());
  EXPECT_TRUE(CheckTargetForToken("/v1/kw_path").has_value());  // the path is not the query
}

TEST(Auth, OrdinaryQueryIsAccepted) {
  EXPECT_TRUE(QueryCheck("/v1/apikeys?status=enabled&q=splunk&limit=10").has_value());
  EXPECT_TRUE(QueryCheck("/v1/apikeys").has_value());
}

TEST(Auth, ClientIpFoldsIpv4MappedPeers) {
  RequestContext ctx;
  ctx.peer = boost::asio::ip::make_address("::ffff:8.8.4.4");
  const auto ip = ClientIp(Get(), ctx, {});
  ASSERT_TRUE(ip.has_value());
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->ToString(), "8.8.4.4");
}

TEST(Auth, ClientIpBelievesForwardedForOnlyFromATrustedProxy) {
  RequestContext ctx;
  ctx.peer = boost::asio::ip::make_address("127.0.0.1");
  Request req = Get();
  req.set("X-Forwarded-For", "1.2.3.4, 8.8.8.8");
  EXPECT_EQ(ClientIp(req, ctx, {}).value().ToString(), "127.0.0.1");
  const std::vector<core::Ipv4Range> trusted = {core::ParseIpv4Range("127.0.0.1").value()};
  EXPECT_EQ(ClientIp(req, ctx, trusted).value().ToString(), "8.8.8.8");
}

}  // namespace
}  // namespace keyward::http

namespace keyward::http {
namespace {

TEST(Auth, ReadsTheSessionCookieAmongOthers) {
  Request req = Get();
  req.insert(boost::beast::http::field::cookie, "theme=dark; keyward_session=abc123;  lang=ja");
  EXPECT_EQ(RequestCookie(req, "keyward_session"), std::optional<std::string>("abc123"));
  EXPECT_EQ(RequestCookie(req, "lang"), std::optional<std::string>("ja"));
}

TEST(Auth, ReadsACookieFromASecondCookieHeaderAndUnquotesIt) {
  Request req = Get();
  req.insert(boost::beast::http::field::cookie, "a=1");
  req.insert(boost::beast::http::field::cookie, "keyward_session=\"q\"");
  EXPECT_EQ(RequestCookie(req, "keyward_session"), std::optional<std::string>("q"));
}

TEST(Auth, AbsentEmptyOrSimilarlyNamedCookiesAreNone) {
  Request req = Get();
  EXPECT_EQ(RequestCookie(req, "keyward_session"), std::nullopt);
  req.insert(boost::beast::http::field::cookie, "keyward_session=; xkeyward_session=1; keyward");
  EXPECT_EQ(RequestCookie(req, "keyward_session"), std::nullopt);
}

}  // namespace
}  // namespace keyward::http
