// The forward-auth endpoint /v1/authz through ApiHandler (docs/api.md "Verification"; authz.hpp).
#include "http/v1/authz.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "testing/http/verification_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
using ::testing::HasSubstr;
using ::testing::Not;
using Headers = std::vector<std::pair<std::string, std::string>>;

// Named after the endpoint, so that tests read Authz.Behaviour.
class Authz : public testing::VerificationFixture {
 protected:
  static Request Make(bh::verb method, std::string_view target, const Headers& headers) {
    Request req{method, target, 11};
    for (const auto& [name, value] : headers) req.insert(name, value);
    req.prepare_payload();
    return req;
  }

  // The answer the transport gives: TryInline's on the I/O thread, or, when TryInline declines
  // (the chain must write to the store at once), Respond's on the worker pool.
  Response Ask(std::string_view target, const Headers& headers, const char* peer = "8.8.8.8",
               bh::verb method = bh::verb::get, http::ApiHandler* handler = nullptr) {
    const Request req = Make(method, target, headers);
    http::ApiHandler& h = handler != nullptr ? *handler : handler_;
    std::optional<Response> res = h.TryInline(req, From(peer));
    return res ? std::move(*res) : h.Respond(req, From(peer)).response;
  }

  // A handler that believes X-Forwarded-For and X-Real-IP from 10.0.0.0/8.
  http::ApiHandler BehindProxies() {
    return http::ApiHandler(
        Wire(verifier_),
        ApiOptions{.trusted_proxies = {core::ParseIpv4Range("10.0.0.0/8").value()}});
  }

  Response AskWith(const std::string& token, std::string_view target = "/v1/authz",
                   const char* peer = "8.8.8.8") {
    return Ask(target, {{"X-API-Key", token}}, peer);
  }

  // Checks what every answer carries: `status`, X-Keyward-Outcome `outcome`, no body, no-store,
  // the Bearer challenge exactly on 401, the key's headers exactly on 200.
  static void ExpectAnswer(const Response& res, unsigned status, const char* outcome) {
    EXPECT_EQ(res.result_int(), status) << outcome;
    EXPECT_EQ(res["X-Keyward-Outcome"], outcome);
    EXPECT_TRUE(res.body().empty()) << res.body();
    EXPECT_EQ(res[bh::field::content_length], "0");
    EXPECT_EQ(res[bh::field::cache_control], "no-store");
    EXPECT_EQ(res.count(bh::field::www_authenticate), status == 401 ? 1u : 0u) << outcome;
    if (status == 401) {
      EXPECT_EQ(res[bh::field::www_authenticate], "Bearer");
    }
    EXPECT_EQ(res.count("X-Keyward-Key-Id"), status == 200 ? 1u : 0u) << outcome;
    EXPECT_EQ(res.count("X-Keyward-Key-Name"), status == 200 ? 1u : 0u) << outcome;
  }
};

TEST_F(Authz, ValidKeyIs200WithItsIdNameAndRole) {
  const core::IssuedKey key = MakeKey("splunk-forwarder_1.0~", "Auditor");
  const Response res = AskWith(key.token);
  ExpectAnswer(res, 200, "VALID");
  EXPECT_EQ(res["X-Keyward-Key-Id"], std::to_string(key.key.id));
  EXPECT_EQ(res["X-Keyward-Key-Name"], "splunk-forwarder_1.0~");
  EXPECT_EQ(res["X-Keyward-Role"], "Auditor");  // unreserved characters only: unchanged
  EXPECT_EQ(res.count(bh::field::retry_after), 0u);
}

TEST_F(Authz, KeyNameIsPercentEncodedUtf8) {
  const core::IssuedKey key = MakeKey("東京 gateway/1", "Auditor");
  EXPECT_EQ(AskWith(key.token)["X-Keyward-Key-Name"], "%E6%9D%B1%E4%BA%AC%20gateway%2F1");
}

TEST_F(Authz, RoleNameIsPercentEncodedToo) {
  EXPECT_EQ(AskWith(master_token_)["X-Keyward-Role"], "Master%20Administrator");
}

TEST_F(Authz, ARoleNamedLikeAnEncodedRoleCannotPassForIt) {
  // Sent as is, "Master%20Administrator" would decode to the built-in role's name.
  MakeRole("Master%20Administrator", {"orders:read"});
  const core::IssuedKey key = MakeKey("impostor", "Master%20Administrator");
  EXPECT_EQ(AskWith(key.token)["X-Keyward-Role"], "Master%2520Administrator");
}

TEST(AuthzPercentEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b+c%d\r\n"), "a%20b%2Bc%25d%0D%0A");
  EXPECT_EQ(PercentEncode("\xff"), "%FF");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST_F(Authz, MissingOrMalformedTokenIs401Malformed) {
  ExpectAnswer(Ask("/v1/authz", {}), 401, "MALFORMED");
  ExpectAnswer(AskWith("not-a-token"), 401, "MALFORMED");
  ExpectAnswer(Ask("/v1/authz", {{"Authorization", "Bearer "}}), 401, "MALFORMED");
}

TEST_F(Authz, UnknownIdAndWrongSecretAre401NotFound) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  ExpectAnswer(AskWith(UnknownToken()), 401, "NOT_FOUND");
  ExpectAnswer(AskWith(WrongSecret(key.token)), 401, "NOT_FOUND");
}

TEST_F(Authz, DisabledExpiredAndLockedOutAre401) {
  const core::IssuedKey off = MakeKey("off", "Auditor");
  ASSERT_TRUE(service_.SetEnabled(master_, off.key.id, false).has_value());
  ExpectAnswer(AskWith(off.token), 401, "DISABLED");

  const core::IssuedKey locked = MakeKey("locked", "Auditor");
  ASSERT_TRUE(service_.Lock(master_, locked.key.id).has_value());
  ExpectAnswer(AskWith(locked.token), 401, "LOCKED_OUT");

  const core::IssuedKey brief = MakeKey("brief", "Auditor", std::nullopt, "2027-01-15T09:00:00Z");
  ExpectAnswer(AskWith(brief.token), 200, "VALID");
  clock_.Advance(std::chrono::hours(2));
  ExpectAnswer(AskWith(brief.token), 401, "EXPIRED");
}

TEST_F(Authz, OutsideTheAllowlistIs403IpNotAllowed) {
  const core::IssuedKey key = MakeKey("fenced", "Auditor", std::vector<std::string>{"1.1.1.1"});
  ExpectAnswer(AskWith(key.token, "/v1/authz", "8.8.8.8"), 403, "IP_NOT_ALLOWED");
  ExpectAnswer(AskWith(key.token, "/v1/authz", "1.1.1.1"), 200, "VALID");
  ExpectAnswer(AskWith(key.token, "/v1/authz", "::ffff:1.1.1.1"), 200, "VALID");
}

TEST_F(Authz, MissingPermissionIs403InsufficientPermissions) {
  const core::IssuedKey key = MakeKey("auditor", "Auditor");
  ExpectAnswer(AskWith(key.token, "/v1/authz?permission=apikeys:view"), 200, "VALID");
  ExpectAnswer(AskWith(key.token, "/v1/authz?permission=orders:read"), 403,
               "INSUFFICIENT_PERMISSIONS");
}

TEST_F(Authz, RateLimitedIs403WithRetryAfter) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  for (const std::string& bad : {std::string("garbage"), UnknownToken()}) {
    const Response res =
        Ask("/v1/authz", {{"X-API-Key", bad}}, "9.9.9.9", bh::verb::get, &throttled_handler_);
    EXPECT_EQ(res.result_int(), 401u);
  }
  const Response res =
      Ask("/v1/authz", {{"X-API-Key", key.token}}, "9.9.9.9", bh::verb::get, &throttled_handler_);
  ExpectAnswer(res, 403, "RATE_LIMITED");
  const int wait = std::stoi(std::string(res[bh::field::retry_after]));
  EXPECT_GE(wait, 1);
  EXPECT_LE(wait, 60);
}

TEST_F(Authz, MissingTokensDoNotSpendTheFailureBudget) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  for (int i = 0; i < 5; ++i) {
    Ask("/v1/authz", {}, "9.9.9.9", bh::verb::get, &throttled_handler_);
  }
  ExpectAnswer(
      Ask("/v1/authz", {{"X-API-Key", key.token}}, "9.9.9.9", bh::verb::get, &throttled_handler_),
      200, "VALID");
}

TEST_F(Authz, UnavailableIs401) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  store_.FailNextCommit();  // StoreKeyLookup::Find runs a unit of work
  ExpectAnswer(AskWith(key.token), 401, "UNAVAILABLE");
}

TEST_F(Authz, TakesTheTokenFromEachCredentialHeader) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  ExpectAnswer(Ask("/v1/authz", {{"Authorization", "Bearer " + key.token}}), 200, "VALID");
  ExpectAnswer(Ask("/v1/authz", {{"authorization", "bearer  " + key.token}}), 200, "VALID");
  ExpectAnswer(Ask("/v1/authz", {{"api-secret-key", key.token}}), 200, "VALID");
  ExpectAnswer(Ask("/v1/authz", {{"x-api-key", key.token}}), 200, "VALID");
}

TEST_F(Authz, TwoDifferentTokensAre401Malformed) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  ExpectAnswer(
      Ask("/v1/authz", {{"Authorization", "Bearer " + key.token}, {"X-API-Key", master_token_}}),
      401, "MALFORMED");
  ExpectAnswer(
      Ask("/v1/authz", {{"Authorization", "Bearer " + key.token}, {"X-API-Key", key.token}}), 200,
      "VALID");
}

TEST_F(Authz, OtherAuthorizationSchemesAreTheUpstreamsBusiness) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  ExpectAnswer(
      Ask("/v1/authz", {{"Authorization", "Basic dXNlcjpwYXNz"}, {"X-API-Key", key.token}}), 200,
      "VALID");
  ExpectAnswer(Ask("/v1/authz", {{"Authorization", "Basic dXNlcjpwYXNz"}}), 401, "MALFORMED");
}

TEST_F(Authz, QueryStringCredentialsAreNeverTaken) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  ExpectAnswer(Ask("/v1/authz?api_key=" + key.token, {}), 401, "MALFORMED");
  ExpectAnswer(Ask("/v1/authz/x?token=" + key.token, {}), 401, "MALFORMED");
  // The upstream's own parameters pass, even named like credentials: only a token counts.
  ExpectAnswer(AskWith(key.token, "/v1/authz/orders?access_token=abc&q=kw_x"), 200, "VALID");
}

TEST_F(Authz, ATokenAnywhereInTheQueryIs401MalformedEvenWithAValidKey) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  const std::string token = key.token;
  for (const std::string& query :
       {"?" + token, "?x=%20" + token, "?x=zz" + token, "?authorization=Bearer%20" + token,
        "?x=%6Bw_" + token.substr(3), "?x=%256Bw_" + token.substr(3)}) {
    ExpectAnswer(AskWith(key.token, "/v1/authz/orders" + query), 401, "MALFORMED");
  }
  // Refused before the chain: the key is not used.
  EXPECT_FALSE(Stored(key.key.id).last_used_at.has_value());
}

TEST_F(Authz, ANearMissPermissionParameterIs403AndLogged) {
  const core::IssuedKey key = MakeKey("target", "Master Administrator");
  for (const char* name :
       {"Permission", "PERMISSION", "permissions", "Permissions", "perm", "perms", "permision",
        "permisison", "permissionx", "permission[]", "p%65rmissions"}) {
    const Response res = AskWith(key.token, std::string("/v1/authz/orders?") + name + "=x:y");
    ExpectAnswer(res, 403, "INSUFFICIENT_PERMISSIONS");
    EXPECT_THAT(log_text_.str(), HasSubstr("nearly")) << name;
  }
  EXPECT_THAT(log_text_.str(), HasSubstr(R"("parameter":"permissions")"));
  // A near-miss without a value fails closed too.
  ExpectAnswer(AskWith(key.token, "/v1/authz/orders?Permission"), 403, "INSUFFICIENT_PERMISSIONS");
}

TEST_F(Authz, OtherQueryParametersPassThroughUntouched) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  for (const char* query : {"?page=2&sort=name", "?permit=1", "?mission=x", "?submission=1",
                            "?permissionless=1", "?x-keyward-permission=1"}) {
    ExpectAnswer(AskWith(key.token, std::string("/v1/authz/orders") + query), 200, "VALID");
  }
}

TEST_F(Authz, RequiresTheUnionOfQueryAndHeaderPermissions) {
  const core::RoleId orders = MakeRole("Orders", {"orders:read", "orders:write"});
  const core::IssuedKey key = MakeKey("shop", std::to_string(orders));
  const auto ask = [&](std::string_view target, Headers headers) {
    headers.emplace_back("X-API-Key", key.token);
    return Ask(target, headers);
  };
  ExpectAnswer(ask("/v1/authz?permission=orders:read", {{"X-Keyward-Permission", "orders:write"}}),
               200, "VALID");
  ExpectAnswer(ask("/v1/authz?permission=orders:read", {{"X-Keyward-Permission", "orders:write"},
                                                        {"X-Keyward-Permission", "billing:read"}}),
               403, "INSUFFICIENT_PERMISSIONS");
  ExpectAnswer(ask("/v1/authz?permission=orders:read&permission=billing:read", {}), 403,
               "INSUFFICIENT_PERMISSIONS");
  ExpectAnswer(ask("/v1/authz", {{"X-Keyward-Permission", "orders:read,billing:read"}}), 403,
               "INSUFFICIENT_PERMISSIONS");
}

TEST_F(Authz, HeaderListsAreSplitTrimmedAndEmptyItemsIgnored) {
  const core::RoleId orders = MakeRole("Orders", {"orders:read", "orders:write"});
  const core::IssuedKey key = MakeKey("shop", std::to_string(orders));
  ExpectAnswer(Ask("/v1/authz", {{"X-API-Key", key.token},
                                 {"X-Keyward-Permission", " orders:read ,\torders:write,, "},
                                 {"x-keyward-permission", ""}}),
               200, "VALID");
}

TEST_F(Authz, QueryPermissionsArePercentDecoded) {
  const core::RoleId orders = MakeRole("Orders", {"orders:read"});
  const core::IssuedKey key = MakeKey("shop", std::to_string(orders));
  ExpectAnswer(AskWith(key.token, "/v1/authz?permission=orders%3Aread"), 200, "VALID");
  ExpectAnswer(AskWith(key.token, "/v1/authz?p%65rmission=orders%3Awrite"), 403,
               "INSUFFICIENT_PERMISSIONS");
  ExpectAnswer(AskWith(key.token, "/v1/authz?permission=&other=1"), 200, "VALID");
}

TEST_F(Authz, AnInvalidPermissionNameIsHeldByNoKey) {
  // The Master Administrator holds every permission there is, but not one that cannot exist.
  ExpectAnswer(AskWith(master_token_, "/v1/authz?permission=orders:read"), 200, "VALID");
  ExpectAnswer(AskWith(master_token_, "/v1/authz?permission=Orders%20Read"), 403,
               "INSUFFICIENT_PERMISSIONS");
  ExpectAnswer(AskWith(master_token_, "/v1/authz?permission=orders%3"), 403,
               "INSUFFICIENT_PERMISSIONS");
  ExpectAnswer(Ask("/v1/authz", {{"X-API-Key", master_token_}, {"X-Keyward-Permission", "*"}}), 403,
               "INSUFFICIENT_PERMISSIONS");
  // The token is still checked first.
  ExpectAnswer(AskWith(UnknownToken(), "/v1/authz?permission=*"), 401, "NOT_FOUND");
}

TEST_F(Authz, ManyRequiredPermissionsAreAllChecked) {
  std::vector<std::string> held;
  std::string query = "/v1/authz?";
  for (int i = 0; i < 12; ++i) {
    held.push_back("svc" + std::to_string(i) + ":read");
    query += "permission=svc" + std::to_string(i) + "%3Aread&";
  }
  const core::IssuedKey key = MakeKey("wide", std::to_string(MakeRole("Wide", held)));
  ExpectAnswer(AskWith(key.token, query), 200, "VALID");
  ExpectAnswer(AskWith(key.token, query + "permission=svc12:read"), 403,
               "INSUFFICIENT_PERMISSIONS");
}

TEST_F(Authz, ForwardedForIsIgnoredFromAnUntrustedPeer) {
  http::ApiHandler proxied = BehindProxies();
  const core::IssuedKey key = MakeKey("fenced", "Auditor", std::vector<std::string>{"1.1.1.1"});
  ExpectAnswer(Ask("/v1/authz", {{"X-API-Key", key.token}, {"X-Forwarded-For", "1.1.1.1"}},
                   "8.8.8.8", bh::verb::get, &proxied),
               403, "IP_NOT_ALLOWED");
  ExpectAnswer(Ask("/v1/authz", {{"X-API-Key", key.token}, {"X-Real-IP", "1.1.1.1"}}, "8.8.8.8",
                   bh::verb::get, &proxied),
               403, "IP_NOT_ALLOWED");
}

TEST_F(Authz, BehindATrustedProxyTheRightmostUntrustedAddressCounts) {
  http::ApiHandler proxied = BehindProxies();
  const core::IssuedKey key = MakeKey("fenced", "Auditor", std::vector<std::string>{"1.1.1.1"});
  ExpectAnswer(Ask("/v1/authz", {{"X-API-Key", key.token}, {"X-Forwarded-For", "1.1.1.1"}},
                   "10.0.0.5", bh::verb::get, &proxied),
               200, "VALID");
  ExpectAnswer(Ask("/v1/authz", {{"X-API-Key", key.token}, {"X-Real-IP", "1.1.1.1"}}, "10.0.0.5",
                   bh::verb::get, &proxied),
               200, "VALID");
  // A client at 8.8.4.4 forging the leftmost entry gains nothing.
  ExpectAnswer(Ask("/v1/authz",
                   {{"X-API-Key", key.token}, {"X-Forwarded-For", "1.1.1.1, 8.8.4.4, 10.0.0.7"}},
                   "10.0.0.5", bh::verb::get, &proxied),
               403, "IP_NOT_ALLOWED");
}

TEST_F(Authz, AnswersEveryMethodAndEveryPathBelow) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  for (const bh::verb method : {bh::verb::get, bh::verb::post, bh::verb::put, bh::verb::patch,
                                bh::verb::delete_, bh::verb::head, bh::verb::options}) {
    for (const char* target :
         {"/v1/authz", "/v1/authz/", "/v1/authz/api/orders/42?x=1", "/v1/authz//odd/%zz/../path"}) {
      const Response res = Ask(target, {{"X-API-Key", key.token}}, "8.8.8.8", method);
      ExpectAnswer(res, 200, "VALID");
    }
  }
  Request unknown_method = Make(bh::verb::get, "/v1/authz", {{"X-API-Key", key.token}});
  unknown_method.method_string("BREW");
  ASSERT_TRUE(handler_.TryInline(unknown_method, From("8.8.8.8")).has_value());
}

TEST_F(Authz, TryInlineAnswersOnlyAuthz) {
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::get, "/v1/apikeys", {}), From("8.8.8.8")));
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::get, "/healthz", {}), From("8.8.8.8")));
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::post, "/v1/keys/verify", {}), From("8.8.8.8")));
  EXPECT_FALSE(handler_.TryInline(Make(bh::verb::get, "/v1/authzx", {}), From("8.8.8.8")));
  EXPECT_TRUE(handler_.TryInline(Make(bh::verb::get, "/v1/authz", {}), From("8.8.8.8")));
}

TEST_F(Authz, HandleAndServeAnswerAuthzLikeTryInline) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  const Request req = Make(bh::verb::post, "/v1/authz/x?api_key=abc", {{"X-API-Key", key.token}});
  const Response handled = handler_.Handle(req, From("8.8.8.8"));
  ExpectAnswer(handled, 200, "VALID");
  EXPECT_EQ(handled["X-Keyward-Key-Id"], std::to_string(key.key.id));
  const Reply served = handler_.Serve(req, From("8.8.8.8"));
  EXPECT_EQ(served.status, 200u);
  EXPECT_EQ(served.Header("X-Keyward-Outcome"), "VALID");
  EXPECT_TRUE(served.body.empty());
  EXPECT_TRUE(served.content_type.empty());
}

TEST_F(Authz, CountsOutcomesAndTimesInMetrics) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  AskWith(key.token);
  AskWith(UnknownToken());
  Ask("/v1/authz", {});
  EXPECT_EQ(VerificationCount("VALID"), "1");
  EXPECT_EQ(VerificationCount("NOT_FOUND"), "1");
  EXPECT_EQ(VerificationCount("MALFORMED"), "1");
  // The missing token never reached the chain, so only two verifications were timed.
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("keyward_verification_duration_seconds_count{endpoint=\"authz\"} 2\n"));
}

TEST_F(Authz, CountsAsAUseOfTheKey) {
  const core::IssuedKey key = MakeKey("used", "Auditor");
  AskWith(key.token);
  EXPECT_EQ(Stored(key.key.id).last_used_at, clock_.Now());
}

TEST_F(Authz, TheTokenNeverReachesTheLog) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  AskWith(key.token);
  AskWith(WrongSecret(key.token));
  store_.FailNextCommit();
  AskWith(key.token);
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(key.token)));
}

// What the I/O thread must not wait for: a counted wrong secret and a valid key whose count must
// be reset are declined by TryInline, with nothing counted, and answered by Respond on the worker
// pool once the store holds the write.
TEST_F(Authz, TryInlineDeclinesACountedWrongSecretAndRespondCountsIt) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  const Request req = Make(bh::verb::get, "/v1/authz", {{"X-API-Key", WrongSecret(key.token)}});
  EXPECT_FALSE(handler_.TryInline(req, From("8.8.8.8")).has_value());
  EXPECT_EQ(Stored(key.key.id).failed_attempts, 0);
  EXPECT_EQ(VerificationCount("NOT_FOUND"), "0");  // not counted in the metrics either
  ExpectAnswer(handler_.Respond(req, From("8.8.8.8")).response, 401, "NOT_FOUND");
  EXPECT_EQ(Stored(key.key.id).failed_attempts, 1);
  EXPECT_EQ(VerificationCount("NOT_FOUND"), "1");
}

TEST_F(Authz, TryInlineDeclinesAValidKeyWhoseCountMustBeReset) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  ExpectAnswer(AskWith(WrongSecret(key.token)), 401, "NOT_FOUND");
  ASSERT_EQ(Stored(key.key.id).failed_attempts, 1);
  const Request req = Make(bh::verb::get, "/v1/authz", {{"X-API-Key", key.token}});
  EXPECT_FALSE(handler_.TryInline(req, From("8.8.8.8")).has_value());
  EXPECT_EQ(Stored(key.key.id).failed_attempts, 1);
  const Response res = handler_.Handle(req, From("8.8.8.8"));
  ExpectAnswer(res, 200, "VALID");
  EXPECT_EQ(res["X-Keyward-Key-Id"], std::to_string(key.key.id));
  EXPECT_EQ(Stored(key.key.id).failed_attempts, 0);
  // Nothing left to write at once: answered inline again.
  ExpectAnswer(handler_.TryInline(req, From("8.8.8.8")).value(), 200, "VALID");
}

TEST_F(Authz, FailuresThatCountNothingAreAnsweredInline) {
  const core::IssuedKey fenced = MakeKey("fenced", "Auditor", std::vector<std::string>{"1.1.1.1"});
  const Request outside =
      Make(bh::verb::get, "/v1/authz", {{"X-API-Key", WrongSecret(fenced.token)}});
  ExpectAnswer(handler_.TryInline(outside, From("8.8.8.8")).value(), 401, "NOT_FOUND");
  const core::IssuedKey locked = MakeKey("locked", "Auditor");
  ASSERT_TRUE(service_.Lock(master_, locked.key.id).has_value());
  const Request against_locked =
      Make(bh::verb::get, "/v1/authz", {{"X-API-Key", WrongSecret(locked.token)}});
  ExpectAnswer(handler_.TryInline(against_locked, From("8.8.8.8")).value(), 401, "NOT_FOUND");
  EXPECT_EQ(Stored(fenced.key.id).failed_attempts, 0);
  EXPECT_EQ(Stored(locked.key.id).failed_attempts, 0);
}

TEST_F(Authz, LockoutThroughTheWorkerPoolIsExactAtTheThreshold) {
  const core::IssuedKey key = MakeKey("target", "Auditor");
  const Request wrong = Make(bh::verb::get, "/v1/authz", {{"X-API-Key", WrongSecret(key.token)}});
  for (int i = 1; i <= 5; ++i) {
    ASSERT_FALSE(handler_.TryInline(wrong, From("8.8.8.8")).has_value());
    ExpectAnswer(handler_.Respond(wrong, From("8.8.8.8")).response, 401, "NOT_FOUND");
    EXPECT_EQ(Stored(key.key.id).failed_attempts, i);
  }
  EXPECT_TRUE(Stored(key.key.id).LockedOutAt(clock_.Now()));
  ExpectAnswer(handler_.TryInline(wrong, From("8.8.8.8")).value(), 401, "NOT_FOUND");
  ExpectAnswer(AskWith(key.token), 401, "LOCKED_OUT");
}

}  // namespace
}  // namespace keyward::http
