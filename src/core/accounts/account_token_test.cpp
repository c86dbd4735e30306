// An account's API token (AccountService): who may issue one, one per account, how the keys API
// treats it, and how it follows its account (role, locale, time zone, disabling, access level,
// deletion). The other AccountService tests are in account_service_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/accounts/account_service.hpp"
#include "testing/account_service_fixture.hpp"

namespace keyward::core {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// One fixture class for the whole AccountService suite, whichever file its tests are in.
using AccountService = testing::AccountServiceFixture;

TEST_F(AccountService, OnlyAHolderOfAccountsTokensIssuesATokenAndItAuthenticatesAsTheAccount) {
  const Principal full = KeyOfRole("Full Access");
  const AccountId id =
      CreateAccount(master_, "auditor@example.com", "Auditor", "api_only").account.id;
  ExpectDenied(accounts_.IssueToken(full, id, std::nullopt), "full access issues");
  IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  EXPECT_EQ(token.key.source, KeySource::kAccount);
  EXPECT_EQ(token.key.account_id, id);
  EXPECT_EQ(token.key.role_id, kAuditorRoleId);
  EXPECT_EQ(token.key.name, "Authentication token of account " + std::to_string(id));
  Verification v = VerifyToken(token.token);
  EXPECT_EQ(v.outcome, Outcome::kValid);
  ASSERT_TRUE(v.key.has_value());
  EXPECT_EQ(v.key->account_id, id);
  const Principal as_token = As(token.token);
  EXPECT_EQ(as_token.account_id, id);
  EXPECT_TRUE(as_token.permissions.Has(perm::kAuditView));
  EXPECT_FALSE(as_token.permissions.Has(perm::kApiKeysCreate));
  ASSERT_TRUE(Must(accounts_.Get(master_, id)).token.has_value());
  EXPECT_EQ(Must(accounts_.Get(master_, id)).token->id, token.key.id);
  ExpectDenied(accounts_.DeleteToken(full, id), "full access deletes");
}

TEST_F(AccountService, ASecondTokenIsRefusedUntilTheFirstIsDeleted) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  IssuedKey first = Must(accounts_.IssueToken(master_, id, std::nullopt));
  Result<IssuedKey> second = accounts_.IssueToken(master_, id, std::nullopt);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(second.error().msg, Msg::kTokenExists);
  ASSERT_TRUE(accounts_.DeleteToken(master_, id).has_value());
  EXPECT_EQ(VerifyToken(first.token).outcome, Outcome::kNotFound);
  IssuedKey third = Must(accounts_.IssueToken(master_, id, std::nullopt));
  EXPECT_EQ(VerifyToken(third.token).outcome, Outcome::kValid);
  EXPECT_NE(third.key.id, first.key.id);
}

TEST_F(AccountService, TheKeysApiNeedsAccountsTokensToChangeOrDeleteAToken) {
  const Principal full = KeyOfRole("Full Access");
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  const IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  const KeyId key = token.key.id;
  const std::vector<std::string> ids = {std::to_string(key)};
  ExpectDenied(service_.SetEnabled(full, key, false), "disable");
  ExpectDenied(service_.SetEnabled(full, key, true), "enable");
  ExpectDenied(service_.Lock(full, key), "lock");
  ExpectDenied(service_.Unlock(full, key), "unlock");
  ExpectDenied(service_.Delete(full, key), "delete");
  ExpectDenied(service_.DeleteMany(full, ids), "bulk delete");
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kValid);
  // Full Access still manages ordinary keys.
  const IssuedKey plain = MustCreate(master_, "plain", "Auditor");
  Must(service_.SetEnabled(full, plain.key.id, false));
  ASSERT_TRUE(service_.Delete(full, plain.key.id).has_value());
  // A holder of accounts:tokens may; the delete is audited as the account's token's.
  Must(service_.SetEnabled(master_, key, false));
  Must(service_.SetEnabled(master_, key, true));
  Must(service_.Lock(master_, key));
  Must(service_.Unlock(master_, key));
  ASSERT_TRUE(service_.Delete(master_, key).has_value());
  EXPECT_FALSE(Must(accounts_.Get(master_, id)).token.has_value());
  const std::vector<AuditEvent> deleted = AuditEvents("account.token.delete");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].target, "account:" + std::to_string(id));
  EXPECT_THAT(deleted[0].details_json, HasSubstr("\"keyId\":" + std::to_string(key)));
  for (const AuditEvent& e : AuditEvents("apikey.delete")) {
    EXPECT_NE(e.target, "apikey:" + std::to_string(key));
  }
  // In bulk too.
  const IssuedKey again = Must(accounts_.IssueToken(master_, id, std::nullopt));
  const std::vector<BulkDeleteResult> results =
      Must(service_.DeleteMany(master_, {std::to_string(again.key.id)}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(AuditEvents("account.token.delete").size(), 2u);
}

TEST_F(AccountService, AKeyNamedLikeATokenDoesNotBlockIt) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  const std::string name = "Authentication token of account " + std::to_string(id);
  MustCreate(master_, name, "Auditor");
  const IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  EXPECT_EQ(token.key.name, name);
  // And a token blocks no name: the next account's token name is free for a key too.
  const AccountId other = CreateAccount(master_, "other@example.com").account.id;
  Must(accounts_.IssueToken(master_, other, std::nullopt));
  MustCreate(master_, "Authentication token of account " + std::to_string(other), "Auditor");
  MustCreate(master_, "AUTHENTICATION TOKEN OF ACCOUNT " + std::to_string(id + 100), "Auditor");
}

TEST_F(AccountService, DeleteTokenWithoutATokenIsNotFound) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  Status st = accounts_.DeleteToken(master_, id);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(AuditActions(), Not(Contains("account.token.delete")));
}

TEST_F(AccountService, TokenCarriesTheExpiryGiven) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  IssuedKey token = Must(accounts_.IssueToken(master_, id, "2027-06-01T00:00:00Z"));
  ASSERT_TRUE(token.key.expires_at.has_value());
  EXPECT_EQ(token.key.expires_at->time_since_epoch().count(), 1'811'808'000);
  EXPECT_EQ(Stored(token.key.id).expires_at, token.key.expires_at);
  Result<IssuedKey> past = accounts_.IssueToken(master_, id, "2020-01-01T00:00:00Z");
  ASSERT_FALSE(past.has_value());
}

TEST_F(AccountService, AConsoleOnlyAccountCannotHoldAToken) {
  const AccountId id =
      CreateAccount(master_, "console@example.com", "Auditor", "console_only").account.id;
  Result<IssuedKey> r = accounts_.IssueToken(master_, id, std::nullopt);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(Must(accounts_.Get(master_, id)).token.has_value());
}

TEST_F(AccountService, TheTokenFollowsItsAccountsRoleLocaleAndTimeZone) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  AccountInput in;
  in.role = "Full Access";
  in.locale = "ja-JP";
  in.time_zone = "Asia/Tokyo";
  Must(accounts_.Update(master_, id, in));
  ApiKey stored = Stored(token.key.id);
  EXPECT_EQ(stored.role_id, kFullAccessRoleId);
  EXPECT_EQ(stored.locale, Locale::kJaJp);
  EXPECT_EQ(stored.time_zone, "Asia/Tokyo");
  const Principal as_token = As(token.token);
  EXPECT_TRUE(as_token.permissions.Has(perm::kApiKeysCreate));
  EXPECT_EQ(as_token.time_zone, "Asia/Tokyo");
}

TEST_F(AccountService, DisablingTheAccountSuspendsItsTokenAndEnablingRestoresIt) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  AccountView disabled = Must(accounts_.SetEnabled(master_, id, false));
  EXPECT_FALSE(disabled.account.enabled);
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kDisabled);
  ASSERT_TRUE(disabled.token.has_value());
  EXPECT_EQ(disabled.token->StatusAt(clock_.Now()), KeyStatus::kDisabled);
  EXPECT_TRUE(disabled.token->enabled);  // the token's own flag is kept
  Must(accounts_.SetEnabled(master_, id, true));
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kValid);
  EXPECT_EQ(Stored(token.key.id).StatusAt(clock_.Now()), KeyStatus::kEnabled);
}

TEST_F(AccountService, ATokenIssuedToADisabledAccountStartsSuspended) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  Must(accounts_.SetEnabled(master_, id, false));
  IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kDisabled);
  Must(accounts_.SetEnabled(master_, id, true));
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kValid);
}

TEST_F(AccountService, SwitchingToConsoleOnlySuspendsTheToken) {
  const AccountId id = CreateAccount(master_, "auditor@example.com").account.id;
  IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  AccountInput in;
  in.access_level = "console_only";
  Must(accounts_.Update(master_, id, in));
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kDisabled);
  EXPECT_EQ(Stored(token.key.id).StatusAt(clock_.Now()), KeyStatus::kDisabled);
  in.access_level = "api_only";
  Must(accounts_.Update(master_, id, in));
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kValid);
}

TEST_F(AccountService, DeletingTheAccountDeletesItsTokenAndSessions) {
  const AccountId id = CreateAccount(master_, "user@example.com").account.id;
  IssuedKey token = Must(accounts_.IssueToken(master_, id, std::nullopt));
  const std::string cookie = SignedInAs(id, "user@example.com");
  const std::string id_hash = SessionOf(cookie);
  ASSERT_TRUE(StoredSession(id_hash).has_value());
  ASSERT_TRUE(accounts_.Delete(master_, id).has_value());
  EXPECT_EQ(VerifyToken(token.token).outcome, Outcome::kNotFound);
  EXPECT_FALSE(StoredSession(id_hash).has_value());
  EXPECT_FALSE(sessions_.Authenticate(cookie, std::nullopt).has_value());
  Result<AccountView> gone = accounts_.Get(master_, id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  std::vector<AuditEvent> deleted = AuditEvents("account.delete");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_THAT(deleted[0].details_json, HasSubstr(std::to_string(token.key.id)));
}

}  // namespace
}  // namespace keyward::core
