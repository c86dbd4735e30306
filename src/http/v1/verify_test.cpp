// POST /v1/keys/verify through ApiHandler (docs/api.md "Verification").
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>

#include "testing/http/verification_test_util.hpp"

namespace keyward::http {
namespace {

namespace bh = boost::beast::http;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

// A KeyLookup that answers kUnavailable for one public id and passes everything else on: a store
// outage (or a stale index) seen by the verification of one key only, so its caller still
// authenticates.
class OutageLookup final : public core::KeyLookup {
 public:
  OutageLookup(core::KeyLookup& inner, std::string down) : inner_(inner), down_(std::move(down)) {}
  core::Result<bool> Find(std::string_view public_id, core::KeyEntry& out) override {
    if (public_id == down_) return core::Unavailable("test outage");
    return inner_.Find(public_id, out);
  }
  std::shared_ptr<const core::RoleEntry> Role(core::RoleId id) override { return inner_.Role(id); }
  void RecordFailure(const core::KeyEntry& key, core::Time now, const core::LockoutPolicy& policy,
                     const std::optional<core::IpAddress>& client) override {
    inner_.RecordFailure(key, now, policy, client);
  }
  void RecordSuccess(const core::KeyEntry& key, core::Time now, bool previous_secret,
                     const std::optional<core::SecretDigest>& rehash) override {
    inner_.RecordSuccess(key, now, previous_secret, rehash);
  }

 private:
  core::KeyLookup& inner_;
  std::string down_;
};

class KeysVerify : public testing::VerificationFixture {
 protected:
  // POST /v1/keys/verify with `body` as `caller` (the bootstrap admin unless given) from `peer`.
  Response Verify(const std::string& body, const std::string& caller = {},
                  const char* peer = "8.8.8.8", http::ApiHandler* handler = nullptr) {
    Request req{bh::verb::post, "/v1/keys/verify", 11};
    req.set(bh::field::authorization, "Bearer " + (caller.empty() ? master_token_ : caller));
    if (!body.empty()) req.set(bh::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    return (handler != nullptr ? *handler : handler_).Handle(req, From(peer));
  }

  // The body of a 200 answer (fails the test otherwise).
  json::object Answer(const std::string& body, const std::string& caller = {},
                      const char* peer = "8.8.8.8") {
    const Response res = Verify(body, caller, peer);
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    return json::parse(res.body()).as_object();
  }

  static std::string KeyBody(const std::string& token, const std::string& extra = {}) {
    return R"({"key": ")" + token + "\"" + extra + "}";
  }

  static std::string ErrorField(const Response& res) {
    const json::value body = json::parse(res.body());
    const json::object& error = body.at("error").as_object();
    return error.contains("field") ? std::string(error.at("field").as_string()) : "";
  }
};

TEST_F(KeysVerify, RefusedWithoutKeysVerify) {
  const core::IssuedKey auditor = MakeKey("auditor", "Auditor");
  const core::IssuedKey target = MakeKey("target", "Auditor");
  const Response res = Verify(KeyBody(target.token), auditor.token);
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_EQ(json::parse(res.body()).at("error").at("code").as_string(), "permission_denied");
  EXPECT_THAT(res.body(), HasSubstr("keys:verify"));
  EXPECT_THAT(res.body(), Not(HasSubstr(target.token)));
}

TEST_F(KeysVerify, FullAccessAndACustomRoleWithKeysVerifyMayVerify) {
  const core::IssuedKey full = MakeKey("full", "Full Access");
  const core::RoleId gateway = MakeRole("Gateway", {"keys:verify"});
  const core::IssuedKey custom = MakeKey("gateway", std::to_string(gateway));
  const core::IssuedKey target = MakeKey("target", "Auditor");
  EXPECT_EQ(Answer(KeyBody(target.token), full.token).at("code").as_string(), "VALID");
  EXPECT_EQ(Answer(KeyBody(target.token), custom.token).at("code").as_string(), "VALID");
}

TEST_F(KeysVerify, ValidAnswersTheKeyFields) {
  const core::IssuedKey target = MakeKey("Splunk forwarder", "Auditor");
  const json::object o = Answer(KeyBody(target.token));
  EXPECT_EQ(o.at("valid").as_bool(), true);
  EXPECT_EQ(o.at("code").as_string(), "VALID");
  EXPECT_EQ(o.at("keyId").as_string(), std::to_string(target.key.id));
  EXPECT_EQ(o.at("name").as_string(), "Splunk forwarder");
  EXPECT_EQ(o.at("role").as_string(), "Auditor");
  const json::array& permissions = o.at("permissions").as_array();
  ASSERT_FALSE(permissions.empty());
  for (const json::value& p : permissions) {
    EXPECT_TRUE(std::string(p.as_string()).ends_with(":view")) << p;
  }
  EXPECT_TRUE(o.at("expiresAt").is_null());
}

TEST_F(KeysVerify, ExpiresAtIsInTheCallersTimeZone) {
  const core::IssuedKey tokyo =
      MakeKey("tokyo gateway", "Full Access", std::nullopt, std::nullopt, "Asia/Tokyo");
  const core::IssuedKey target =
      MakeKey("short-lived", "Auditor", std::nullopt, "2027-02-01T00:00:00Z");
  EXPECT_EQ(Answer(KeyBody(target.token), tokyo.token).at("expiresAt").as_string(),
            "2027-02-01T09:00:00+09:00");
  EXPECT_EQ(Answer(KeyBody(target.token)).at("expiresAt").as_string(), "2027-02-01T00:00:00Z");
}

TEST_F(KeysVerify, MalformedHasOnlyValidAndCode) {
  EXPECT_EQ(Verify(R"({"key": "not-a-token"})").body(), R"({"valid":false,"code":"MALFORMED"})");
  EXPECT_EQ(Verify(R"({"key": ""})").body(), R"({"valid":false,"code":"MALFORMED"})");
}

TEST_F(KeysVerify, UnknownIdIsNotFound) {
  EXPECT_EQ(Verify(KeyBody(UnknownToken())).body(), R"({"valid":false,"code":"NOT_FOUND"})");
}

TEST_F(KeysVerify, WrongSecretIsNotFoundWithNoKeyFields) {
  const core::IssuedKey target = MakeKey("target", "Auditor");
  const Response res = Verify(KeyBody(WrongSecret(target.token)));
  ASSERT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), R"({"valid":false,"code":"NOT_FOUND"})");
  EXPECT_EQ(Stored(target.key.id).failed_attempts, 1);
}

TEST_F(KeysVerify, DisabledKeyAnswersDisabledWithItsFields) {
  const core::IssuedKey target = MakeKey("off", "Auditor");
  ASSERT_TRUE(service_.SetEnabled(master_, target.key.id, false).has_value());
  const json::object o = Answer(KeyBody(target.token));
  EXPECT_EQ(o.at("valid").as_bool(), false);
  EXPECT_EQ(o.at("code").as_string(), "DISABLED");
  EXPECT_EQ(o.at("keyId").as_string(), std::to_string(target.key.id));
  EXPECT_EQ(o.at("name").as_string(), "off");
}

TEST_F(KeysVerify, ExpiredKeyAnswersExpired) {
  // The fixture's clock stands at 2027-01-15T08:00:00Z.
  const core::IssuedKey target = MakeKey("brief", "Auditor", std::nullopt, "2027-01-15T09:00:00Z");
  EXPECT_EQ(Answer(KeyBody(target.token)).at("code").as_string(), "VALID");
  clock_.Advance(std::chrono::hours(2));
  const json::object o = Answer(KeyBody(target.token));
  EXPECT_EQ(o.at("code").as_string(), "EXPIRED");
  EXPECT_EQ(o.at("expiresAt").as_string(), "2027-01-15T09:00:00Z");
}

TEST_F(KeysVerify, LockedKeyAnswersLockedOut) {
  const core::IssuedKey target = MakeKey("locked", "Auditor");
  ASSERT_TRUE(service_.Lock(master_, target.key.id).has_value());
  const json::object o = Answer(KeyBody(target.token));
  EXPECT_EQ(o.at("code").as_string(), "LOCKED_OUT");
  EXPECT_TRUE(o.contains("keyId"));
}

TEST_F(KeysVerify, IpIsTheEndClientsAddress) {
  const core::IssuedKey target = MakeKey("fenced", "Auditor", std::vector<std::string>{"1.1.1.1"});
  EXPECT_EQ(Answer(KeyBody(target.token, R"(, "ip": "1.1.1.1")")).at("code").as_string(), "VALID");
  const json::object outside = Answer(KeyBody(target.token, R"(, "ip": "8.8.4.4")"));
  EXPECT_EQ(outside.at("code").as_string(), "IP_NOT_ALLOWED");
  EXPECT_EQ(outside.at("valid").as_bool(), false);
  EXPECT_EQ(Answer(KeyBody(target.token, R"(, "ip": "2001:4860::8888")")).at("code").as_string(),
            "IP_NOT_ALLOWED");
}

TEST_F(KeysVerify, WithoutIpTheCallersAddressIsChecked) {
  const core::IssuedKey target = MakeKey("fenced", "Auditor", std::vector<std::string>{"1.1.1.1"});
  EXPECT_EQ(Answer(KeyBody(target.token), {}, "1.1.1.1").at("code").as_string(), "VALID");
  EXPECT_EQ(Answer(KeyBody(target.token), {}, "8.8.8.8").at("code").as_string(), "IP_NOT_ALLOWED");
}

TEST_F(KeysVerify, MissingPermissionIsInsufficientPermissions) {
  const core::RoleId orders = MakeRole("Orders", {"orders:read", "orders:write"});
  const core::IssuedKey target = MakeKey("shop", std::to_string(orders));
  EXPECT_EQ(Answer(KeyBody(target.token, R"(, "permissions": ["orders:read", "orders:write"])"))
                .at("code")
                .as_string(),
            "VALID");
  const json::object o =
      Answer(KeyBody(target.token, R"(, "permissions": ["orders:read", "billing:read"])"));
  EXPECT_EQ(o.at("valid").as_bool(), false);
  EXPECT_EQ(o.at("code").as_string(), "INSUFFICIENT_PERMISSIONS");
  EXPECT_EQ(o.at("role").as_string(), "Orders");
  EXPECT_EQ(o.at("permissions"), json::parse(R"(["orders:read", "orders:write"])"));
}

TEST_F(KeysVerify, RateLimitedClientGetsNoKeyFields) {
  const core::IssuedKey target = MakeKey("target", "Auditor");
  const std::string from = R"(, "ip": "9.9.9.9")";
  // The throttle allows 2 failures a minute from 9.9.9.9; the caller itself is at 8.8.8.8.
  for (const std::string& bad : {UnknownToken(), WrongSecret(target.token)}) {
    const Response res = Verify(KeyBody(bad, from), {}, "8.8.8.8", &throttled_handler_);
    EXPECT_EQ(json::parse(res.body()).at("code").as_string(), "NOT_FOUND");
  }
  const Response limited = Verify(KeyBody(target.token, from), {}, "8.8.8.8", &throttled_handler_);
  ASSERT_EQ(limited.result_int(), 200u);
  EXPECT_EQ(limited.body(), R"({"valid":false,"code":"RATE_LIMITED"})");
  EXPECT_GE(std::stoi(std::string(limited[bh::field::retry_after])), 1);
  // Another end client is not affected.
  const Response other =
      Verify(KeyBody(target.token, R"(, "ip": "9.9.9.10")"), {}, "8.8.8.8", &throttled_handler_);
  EXPECT_EQ(json::parse(other.body()).at("code").as_string(), "VALID");
}

TEST_F(KeysVerify, JunkFromEndClientsNeverThrottlesTheGateway) {
  const core::IssuedKey target = MakeKey("target", "Auditor");
  // Junk for an end client, then junk without ip (counted against the gateway's address as an
  // end client): far past the throttle of 2 a minute.
  for (int i = 0; i < 10; ++i) {
    (void)Verify(KeyBody(UnknownToken(), R"(, "ip": "198.51.100.7")"), {}, "8.8.8.8",
                 &throttled_handler_);
  }
  const Response valid = Verify(KeyBody(target.token), {}, "8.8.8.8", &throttled_handler_);
  ASSERT_EQ(valid.result_int(), 200u) << valid.body();
  EXPECT_EQ(json::parse(valid.body()).at("code").as_string(), "VALID");
  for (int i = 0; i < 10; ++i) {
    const Response res = Verify(KeyBody(UnknownToken()), {}, "8.8.8.8", &throttled_handler_);
    EXPECT_EQ(res.result_int(), 200u);  // verify stays "always 200"
  }
  const Response limited = Verify(KeyBody(target.token), {}, "8.8.8.8", &throttled_handler_);
  ASSERT_EQ(limited.result_int(), 200u);
  EXPECT_EQ(json::parse(limited.body()).at("code").as_string(), "RATE_LIMITED");
  // The gateway's own management calls are untouched by any of it.
  Request own{bh::verb::get, "/v1/apikeys/current", 11};
  own.set(bh::field::authorization, "Bearer " + master_token_);
  EXPECT_EQ(throttled_handler_.Handle(own, From("8.8.8.8")).result_int(), 200u);
}

TEST_F(KeysVerify, UnavailableIs503) {
  const core::IssuedKey target = MakeKey("target", "Auditor");
  OutageLookup outage(lookup_, std::string(core::ParseToken(target.token)->public_id));
  core::Verifier verifier(outage, hasher_, clock_);
  http::ApiHandler handler(Wire(verifier));
  const Response res = Verify(KeyBody(target.token), {}, "8.8.8.8", &handler);
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(json::parse(res.body()).at("error").at("code").as_string(), "unavailable");
  EXPECT_EQ(VerificationCount("UNAVAILABLE"), "1");
}

TEST_F(KeysVerify, CountsAsAUseOfTheKey) {
  const core::IssuedKey target = MakeKey("used", "Auditor");
  ASSERT_FALSE(Stored(target.key.id).last_used_at.has_value());
  Answer(KeyBody(target.token));
  EXPECT_EQ(Stored(target.key.id).last_used_at, clock_.Now());
}

TEST_F(KeysVerify, CountsOutcomesAndTimesInMetrics) {
  const core::IssuedKey target = MakeKey("counted", "Auditor");
  Answer(KeyBody(target.token));
  Answer(KeyBody(target.token));
  Answer(KeyBody(UnknownToken()));
  EXPECT_EQ(VerificationCount("VALID"), "2");
  EXPECT_EQ(VerificationCount("NOT_FOUND"), "1");
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("keyward_verification_duration_seconds_count{endpoint=\"verify\"} 3\n"));
}

TEST_F(KeysVerify, BodyIsValidated) {
  const core::IssuedKey target = MakeKey("target", "Auditor");
  struct Case {
    std::string body;
    const char* field;
  };
  const Case cases[] = {
      {"{}", "key"},
      {R"({"key": 5})", "key"},
      {KeyBody(target.token, R"(, "colour": "red")"), "colour"},
      {KeyBody(target.token, R"(, "permissions": "orders:read")"), "permissions"},
      {KeyBody(target.token, R"(, "permissions": ["orders:read", 7])"), "permissions[1]"},
      {KeyBody(target.token, R"(, "permissions": ["orders:read", "Orders Read"])"),
       "permissions[1]"},
      {KeyBody(target.token, R"(, "ip": "1.1.1")"), "ip"},
      {KeyBody(target.token, R"(, "ip": "1.1.1.0/24")"), "ip"},
      {KeyBody(target.token, R"(, "ip": 16843009)"), "ip"},
  };
  for (const Case& c : cases) {
    const Response res = Verify(c.body);
    EXPECT_EQ(res.result_int(), 400u) << c.body;
    EXPECT_EQ(ErrorField(res), c.field) << c.body;
    EXPECT_THAT(res.body(), Not(HasSubstr(target.token)));
  }
  EXPECT_EQ(json::parse(Verify("{\"key\": ").body()).at("error").at("code").as_string(),
            "malformed_json");
}

TEST_F(KeysVerify, CatalogueAndFreeFormPermissionsAreAccepted) {
  const json::object o = Answer(
      KeyBody(master_token_, R"(, "permissions": ["accounts:tokens", "billing.inv_x:write"])"));
  EXPECT_EQ(o.at("code").as_string(), "VALID");
}

TEST_F(KeysVerify, TheTokenNeverReachesTheLog) {
  const core::IssuedKey target = MakeKey("target", "Auditor");
  Answer(KeyBody(target.token));
  Answer(KeyBody(WrongSecret(target.token)));
  EXPECT_THAT(log_text_.str(), Not(HasSubstr(target.token)));
}

}  // namespace
}  // namespace keyward::http
