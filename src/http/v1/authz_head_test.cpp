// The fast path of /v1/authz (ApiHandler::TryInlineHead over Authz::TryAnswerHead): the bytes
// the transport writes for its HeadAnswer equal, for every kind of answer, those it writes for
// the Response of the generic inline path (ApiHandler::TryInline), and it sends to the worker
// pool exactly what TryInline declines.
#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/verb.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/transport/session_responses.hpp"
#include "testing/http/api_test_util.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;

class AuthzHead : public testing::ApiHandlerFixture {
 protected:
  static RequestContext Context() {
    RequestContext context;
    context.peer = boost::asio::ip::make_address("8.8.8.8");
    return context;
  }

  // The head written by the generic inline path and by the fast path for `request`.
  std::pair<std::string, std::string> BothHeads(const Request& request, bool keep_alive) {
    std::string generic;
    std::optional<Response> response = handler_.TryInline(request, Context());
    if (!response) {
      ADD_FAILURE() << "TryInline declined";
      return {};
    }
    FinishResponse(*response, request, keep_alive);
    SerializeHead(*response, generic);
    EXPECT_EQ(response->body(), "");
    HeadAnswer answer;
    std::string fast;
    EXPECT_EQ(handler_.TryInlineHead(request, Context(), answer), InlineHead::kAnswered);
    SerializeHeadAnswer(answer, request, keep_alive, fast);
    return {generic, fast};
  }

  static Request Make(bh::verb method, std::string_view target, unsigned version,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
    Request request{method, target, version};
    if (version == 11) request.set(bh::field::host, "gateway");
    for (const auto& [name, value] : headers) request.insert(name, value);
    return request;
  }
};

TEST_F(AuthzHead, WritesTheSameBytesAsTheGenericPathForEveryKindOfAnswer) {
  const auto [id, token] = CreateKey("", "b\xC3\xA9 nch", "Auditor");
  const std::string bearer = "Bearer " + token;
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
      cases = {
          {"/v1/authz", {{"Authorization", bearer}}},                             // 200, role
          {"/v1/authz/deep/path", {{"X-API-Key", token}}},                        // 200
          {"/v1/authz", {}},                                                      // 401 MALFORMED
          {"/v1/authz", {{"Authorization", bearer}, {"X-API-Key", "kw_other"}}},  // 401 conflict
          {"/v1/authz?permission=keys:write", {{"Authorization", bearer}}},       // 403
          {"/v1/authz?permision=keys:read", {{"Authorization", bearer}}},         // 403 near miss
          {"/v1/authz?permission=%zz", {{"Authorization", bearer}}},              // 403 invalid
          {"/v1/authz", {{"Authorization", "Bearer kw_00000000_nope"}}},          // 401
      };
  for (const auto& [target, headers] : cases) {
    for (const unsigned version : {10u, 11u}) {
      for (const bh::verb method : {bh::verb::get, bh::verb::head, bh::verb::post}) {
        for (const bool keep_alive : {false, true}) {
          SCOPED_TRACE(target + " HTTP/" + std::to_string(version) + " " +
                       std::string(bh::to_string(method)) + (keep_alive ? " keep-alive" : ""));
          Request request = Make(method, target, version, headers);
          request.keep_alive(keep_alive);
          const auto [generic, fast] = BothHeads(request, keep_alive);
          EXPECT_EQ(fast, generic);
          EXPECT_NE(fast.find("X-Keyward-Outcome: "), std::string::npos) << fast;
          EXPECT_NE(fast.find("Cache-Control: no-store\r\n"), std::string::npos) << fast;
          EXPECT_NE(fast.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << fast;
        }
      }
    }
  }
  // The valid key's answer names it, as the generic path does.
  const auto [generic, fast] =
      BothHeads(Make(bh::verb::get, "/v1/authz", 11, {{"Authorization", bearer}}), true);
  EXPECT_NE(fast.find("HTTP/1.1 200 OK\r\nX-Keyward-Outcome: VALID\r\nX-Keyward-Key-Id: " + id +
                      "\r\nX-Keyward-Key-Name: b%C3%A9%20nch\r\nX-Keyward-Role: Auditor\r\n"),
            std::string::npos)
      << fast;
}

TEST_F(AuthzHead, SendsACountedWrongSecretToTheWorkerPool) {
  const auto [id, token] = CreateKey("", "counted", "Auditor");
  const Request request = Make(bh::verb::get, "/v1/authz", 11,
                               {{"Authorization", "Bearer " + core::testing::WrongSecret(token)}});
  EXPECT_FALSE(handler_.TryInline(request, Context()));
  HeadAnswer answer;
  EXPECT_EQ(handler_.TryInlineHead(request, Context(), answer), InlineHead::kWorkerPool);
}

TEST_F(AuthzHead, PassesEveryOtherRequestOnToTryInline) {
  HeadAnswer answer;
  const Request request = Make(bh::verb::get, "/v1/apikeys", 11, {});
  EXPECT_EQ(handler_.TryInlineHead(request, Context(), answer), InlineHead::kTryInline);
  EXPECT_EQ(answer.fields, "");
}

}  // namespace
}  // namespace keyward::http
