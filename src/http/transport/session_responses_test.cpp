#include "http/transport/session_responses.hpp"
#include "http/reply.hpp"

#include <boost/beast/http/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

TEST(PathForLog, DropsTheQueryStringAndFragment) {
  EXPECT_EQ(PathForLog("/v1/keys?api_key=secret&x=1"), "/v1/keys");
  EXPECT_EQ(PathForLog("/v1/keys#frag"), "/v1/keys");
  EXPECT_EQ(PathForLog("/v1/keys/"), "/v1/keys/");
  EXPECT_EQ(PathForLog(""), "");
}

TEST(PathForLog, RedactsTokenShapedSegments) {
  const std::string token = "kw_AbCdEfGhIjKl_" + std::string(49, 'x');
  EXPECT_EQ(PathForLog("/v1/keys/" + token + "/rotate"), "/v1/keys/[redacted]/rotate");
  // A cut-off paste is still part of a secret.
  EXPECT_EQ(PathForLog("/v1/kw_short"), "/v1/[redacted]");
  EXPECT_EQ(PathForLog("/v1/authz/x-kw_AbCd"), "/v1/authz/[redacted]");
}

TEST(PathForLog, RedactsAPercentEncodedToken) {
  const std::string token = "kw_AbCdEfGhIjKl_" + std::string(49, 'x');
  EXPECT_EQ(PathForLog("/v1/apikeys/%6Bw_AbCdEfGhIjKl_" + std::string(49, 'x')),
            "/v1/apikeys/[redacted]");
  EXPECT_EQ(PathForLog("/v1/apikeys/%6b%77%5F" + token.substr(3)), "/v1/apikeys/[redacted]");
  EXPECT_EQ(PathForLog("/v1/apikeys/%256Bw_AbCd"), "/v1/apikeys/[redacted]");  // encoded twice
}

TEST(PathForLog, RedactsABareSecretWithoutItsPrefix) {
  const std::string secret = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4Y";  // 49 base62
  EXPECT_EQ(PathForLog("/v1/apikeys/" + secret), "/v1/apikeys/[redacted]");
  EXPECT_EQ(PathForLog("/v1/authz/AbCdEfGhIjKl_" + secret), "/v1/authz/[redacted]");
  EXPECT_EQ(PathForLog("/v1/apikeys/42/rotate"), "/v1/apikeys/42/rotate");
}

TEST(PathForLog, KeepsOrdinarySegmentsAsTheyCame) {
  EXPECT_EQ(PathForLog("/v1/authz/orders/%E6%9D%B1"), "/v1/authz/orders/%E6%9D%B1");
}

TEST(PathForLog, CutsLongPaths) {
  std::string path;
  for (int i = 0; i < 300; ++i) path += "/abc";
  EXPECT_EQ(PathForLog(path).size(), 256u);
}

TEST(MethodForLog, NamesAKnownMethodAndNothingElse) {
  bhttp::request_header<> header;
  header.method(bhttp::verb::patch);
  EXPECT_EQ(MethodForLog(header), "PATCH");
  header.method_string("kw_AbCdEfGhIjKl_secret");
  EXPECT_EQ(MethodForLog(header), "[unknown]");
}

TEST(TransportErrorResponse, Answers413WithThePayloadTooLargeJsonError) {
  const Response response = TransportErrorResponse(413, 11, 65536);
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(
      response.body(),
      R"({"error":{"code":"payload_too_large","message":"the request body is larger than 65536 bytes"}})");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
}

TEST(TransportErrorResponse, Answers400WithAJsonErrorNamingTheFault) {
  const Response response = TransportErrorResponse(400, 11, 1, "bad Content-Length");
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(
      response.body(),
      R"({"error":{"code":"invalid_argument","message":"the request is not valid HTTP: bad Content-Length"}})");
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
}

TEST(TransportErrorResponse, Answers431WithAJsonErrorNamingTheLimit) {
  const Response response = TransportErrorResponse(431, 11, 1, "16384");
  EXPECT_EQ(response.result_int(), 431u);
  EXPECT_EQ(
      response.body(),
      R"({"error":{"code":"invalid_argument","message":"the request line and header fields are larger than 16384 bytes"}})");
}

TEST(TransportErrorResponse, ClosesTheConnectionForEveryStatus) {
  for (unsigned status : {400u, 408u, 413u, 431u}) {
    const Response response = TransportErrorResponse(status, 11, 1, "x");
    EXPECT_EQ(response.result_int(), status);
    EXPECT_FALSE(response.keep_alive());
    EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
  }
  EXPECT_EQ(TransportErrorResponse(408, 11, 1).body(), "");
}

TEST(ParseFault, NamesThePartOfTheRequestAtFault) {
  EXPECT_EQ(ParseFault(bhttp::error::bad_content_length), "bad Content-Length");
  EXPECT_EQ(ParseFault(bhttp::error::multiple_content_length), "multiple Content-Length");
  EXPECT_EQ(ParseFault(bhttp::error::bad_transfer_encoding), "bad Transfer-Encoding");
  EXPECT_EQ(ParseFault(bhttp::error::bad_value),
            "a header field value with a control character (such as NUL)");
  EXPECT_EQ(ParseFault(bhttp::error::bad_chunk), "a malformed chunk size in a chunked body");
}

TEST(TransportErrorResponse, CarriesTheApiHeadersForEveryStatus) {
  for (unsigned status : {400u, 408u, 413u, 431u}) {
    const Response response = TransportErrorResponse(status, 11, 1);
    EXPECT_EQ(response[bhttp::field::cache_control], "no-store") << status;
    EXPECT_EQ(response["X-Content-Type-Options"], "nosniff") << status;
  }
}

TEST(FinishResponse, SetsVersionKeepAliveAndContentLengthAndDropsServer) {
  Request request{bhttp::verb::get, "/", 10};
  Response response{bhttp::status::ok, 11};
  response.set(bhttp::field::server, "x/1.0");
  response.body() = "hello";
  FinishResponse(response, request, /*keep_alive=*/true);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(response[bhttp::field::content_length], "5");
  EXPECT_EQ(response.count(bhttp::field::server), 0u);
}

TEST(FinishResponse, KeepsContentLengthButNoBodyForHead) {
  Request request{bhttp::verb::head, "/", 11};
  Response response{bhttp::status::ok, 11};
  response.body() = "hello";
  FinishResponse(response, request, /*keep_alive=*/false);
  EXPECT_EQ(response[bhttp::field::content_length], "5");
  EXPECT_TRUE(response.body().empty());
  EXPECT_FALSE(response.keep_alive());
}

TEST(FinishResponse, DropsTheBodyOfA204) {
  Request request{bhttp::verb::delete_, "/", 11};
  Response response{bhttp::status::no_content, 11};
  response.body() = "stray";
  FinishResponse(response, request, /*keep_alive=*/true);
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(response.count(bhttp::field::content_length), 0u);
}

}  // namespace
}  // namespace keyward::http
