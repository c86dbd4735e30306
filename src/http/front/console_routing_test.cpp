// The front door's two kinds of answer: /console and below goes to the web console, answered
// inline with the console's headers; everything else is the API's, and every API answer carries
// Cache-Control: no-store and X-Content-Type-Options: nosniff, whatever its route or status
// (docs/api.md "No caching").
#include <gtest/gtest.h>
#include <boost/beast/http/field.hpp>

#include <string>
#include <vector>

#include "http/front/api_handler.hpp"
#include "testing/http/api_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;

// One gtest suite per fixture class: the ApiHandler tests of this file read
// FrontDoor.Behaviour.
class FrontDoor : public testing::ApiHandlerFixture {
 protected:
  static Request Make(bh::verb method, std::string_view target) {
    Request req{method, target, 11};
    req.prepare_payload();
    return req;
  }

  static RequestContext Context() {
    RequestContext ctx;
    ctx.peer = boost::asio::ip::make_address("8.8.8.8");
    return ctx;
  }

  static void ExpectApiHeaders(const Response& res, std::string_view what) {
    EXPECT_EQ(res[bh::field::cache_control], "no-store") << what;
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff") << what;
    EXPECT_EQ(res.count("Content-Security-Policy"), 0u) << what;
  }
};

TEST_F(FrontDoor, ConsoleIsAnsweredInlineWithTheConsoleHeaders) {
  std::optional<Response> res = handler_.TryInline(Make(bh::verb::get, "/console/"), Context());
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result_int(), 200u);
  EXPECT_EQ(res->at(bh::field::content_type), "text/html; charset=utf-8");
  EXPECT_EQ(res->at(bh::field::cache_control), "no-cache");
  EXPECT_EQ(res->count("Content-Security-Policy"), 1u);
  EXPECT_EQ(res->at(bh::field::x_frame_options), "DENY");
  // The same from Handle and Respond, for a transport that does not ask inline first.
  EXPECT_EQ(Call(Make(bh::verb::get, "/console/")).body(), res->body());
  const Answer answer = handler_.Respond(Make(bh::verb::get, "/console/"), Context());
  EXPECT_FALSE(answer.body);
  EXPECT_EQ(answer.response.body(), res->body());
}

TEST_F(FrontDoor, EveryConsolePathIsTheConsoles) {
  for (const auto& [method, target, status] :
       std::vector<std::tuple<bh::verb, std::string, unsigned>>{
           {bh::verb::get, "/console", 301},
           {bh::verb::get, "/console/nope.js", 404},
           {bh::verb::get, "/console/../v1/apikeys", 404},
           {bh::verb::post, "/console/", 405},
           {bh::verb::delete_, "/console/index.html", 405},
       }) {
    std::optional<Response> res = handler_.TryInline(Make(method, target), Context());
    ASSERT_TRUE(res.has_value()) << target;
    EXPECT_EQ(res->result_int(), status) << target;
    EXPECT_EQ(res->count("Content-Security-Policy"), 1u) << target;
    EXPECT_NE(res->at(bh::field::cache_control), "no-store") << target;
  }
}

TEST_F(FrontDoor, OtherPathsAreNotAnsweredInline) {
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::get, "/consoles"), Context()));
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::get, "/v1/apikeys"), Context()));
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::get, "/"), Context()));
}

TEST_F(FrontDoor, EveryApiAnswerIsNoStoreAndNosniff) {
  ExpectApiHeaders(Admin(bh::verb::get, "/v1/apikeys"), "200");
  ExpectApiHeaders(Admin(bh::verb::post, "/v1/apikeys", R"({"name": "a", "role": "Auditor"})"),
                   "201 with a secret");
  ExpectApiHeaders(Admin(bh::verb::delete_, "/v1/apikeys/999"), "404 of a key");
  ExpectApiHeaders(Send(bh::verb::get, "/v1/apikeys"), "401");
  ExpectApiHeaders(Send(bh::verb::get, "/v1/nope"), "404 of a route");
  ExpectApiHeaders(Send(bh::verb::get, "/consoles"), "404 beside the console");
  ExpectApiHeaders(Send(bh::verb::get, "/"), "404 at the root");
  ExpectApiHeaders(Send(bh::verb::put, "/v1/apikeys"), "405");
  ExpectApiHeaders(Send(bh::verb::get, "/v1/apikeys?api_key=x"), "400 credential in query");
  ExpectApiHeaders(Send(bh::verb::post, "/v1/session", R"({"email": "a@b.c", "password": "x"})"),
                   "sign-in refused");
  ExpectApiHeaders(Send(bh::verb::get, "/healthz"), "healthz");
  ExpectApiHeaders(Send(bh::verb::get, "/v1/openapi.json"), "openapi");
}

TEST_F(FrontDoor, AuthzAnswersAreNoStoreOnEveryPath) {
  std::optional<Response> inline_answer =
      handler_.TryInline(Make(bh::verb::get, "/v1/authz"), Context());
  ASSERT_TRUE(inline_answer.has_value());
  EXPECT_EQ(inline_answer->result_int(), 401u);
  ExpectApiHeaders(*inline_answer, "authz inline");
  ExpectApiHeaders(Call(Make(bh::verb::get, "/v1/authz")), "authz through Handle");
  ExpectApiHeaders(handler_.Respond(Make(bh::verb::get, "/v1/authz"), Context()).response,
                   "authz through Respond");
}

TEST_F(FrontDoor, AStreamedAnswersHeadIsNoStore) {
  Request req{bh::verb::get, "/v1/audit/export", 11};
  req.set(bh::field::authorization, "Bearer " + master_token_);
  req.prepare_payload();
  const Answer answer = handler_.Respond(req, Context());
  ASSERT_EQ(answer.response.result_int(), 200u) << answer.response.body();
  EXPECT_TRUE(answer.body);
  ExpectApiHeaders(answer.response, "streamed export");
}

}  // namespace
}  // namespace keyward::http
