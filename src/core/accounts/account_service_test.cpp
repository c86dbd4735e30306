#include "core/accounts/account_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "core/crypto/token.hpp"
#include "testing/account_service_fixture.hpp"

namespace keyward::core {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using testing::kKnownPassword;
using ::testing::Not;

// One fixture class for the whole AccountService suite, whichever file its tests are in (this
// one and account_token_test.cpp).
using AccountService = testing::AccountServiceFixture;

struct BadAccount {
  const char* what;
  std::function<void(AccountInput&)> edit;
  const char* field;
};

TEST_F(AccountService, CreateNamesTheFieldOfEachBadInput) {
  const std::vector<BadAccount> cases = {
      {"no email", [](AccountInput& in) { in.email.reset(); }, "email"},
      {"empty email", [](AccountInput& in) { in.email = ""; }, "email"},
      {"no at", [](AccountInput& in) { in.email = "user.example.com"; }, "email"},
      {"two ats", [](AccountInput& in) { in.email = "a@b@example.com"; }, "email"},
      {"no local part", [](AccountInput& in) { in.email = "@example.com"; }, "email"},
      {"no domain", [](AccountInput& in) { in.email = "user@"; }, "email"},
      {"space", [](AccountInput& in) { in.email = "us er@example.com"; }, "email"},
      {"double dot local", [](AccountInput& in) { in.email = "a..b@example.com"; }, "email"},
      {"empty label", [](AccountInput& in) { in.email = "user@example..com"; }, "email"},
      {"hyphen label", [](AccountInput& in) { in.email = "user@-example.com"; }, "email"},
      {"too long", [](AccountInput& in) { in.email = std::string(250, 'a') + "@b.cd"; }, "email"},
      {"no access level", [](AccountInput& in) { in.access_level.reset(); }, "accessLevel"},
      {"bad access level", [](AccountInput& in) { in.access_level = "everything"; }, "accessLevel"},
      {"type", [](AccountInput& in) { in.type = "ldap"; }, "type"},
      {"no role", [](AccountInput& in) { in.role.reset(); }, "role"},
      {"unknown role", [](AccountInput& in) { in.role = "Nope"; }, "role"},
      {"unknown role id", [](AccountInput& in) { in.role = "99"; }, "role"},
      {"locale", [](AccountInput& in) { in.locale = "fr-FR"; }, "locale"},
      {"time zone", [](AccountInput& in) { in.time_zone = "Mars/Olympus"; }, "timeZone"},
  };
  for (const BadAccount& c : cases) {
    AccountInput in;
    in.email = "valid@example.com";
    in.role = "Auditor";
    in.access_level = "api_only";
    c.edit(in);
    Result<AccountView> r = accounts_.Create(master_, in);
    ASSERT_FALSE(r.has_value()) << c.what;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what;
  }
  EXPECT_THAT(AuditActions(), Not(Contains("account.create")));
}

TEST_F(AccountService, CreateAcceptsEveryFieldAndALocalhostAddress) {
  AccountInput in;
  in.email = "admin@localhost";
  in.role = "1";
  in.access_level = "console_only";
  in.type = "local";
  in.given_name = "Ada";
  in.surname = "Lovelace";
  in.description = "the operator";
  in.locale = "ja-JP";
  in.time_zone = "Asia/Tokyo";
  AccountView view = Must(accounts_.Create(master_, in));
  EXPECT_GT(view.account.id, 0);
  EXPECT_EQ(view.account.email, "admin@localhost");
  EXPECT_EQ(view.account.role_id, kFullAccessRoleId);
  EXPECT_EQ(view.account.access_level, AccessLevel::kConsoleOnly);
  EXPECT_EQ(view.account.given_name, "Ada");
  EXPECT_EQ(view.account.locale, Locale::kJaJp);
  EXPECT_EQ(view.account.time_zone, "Asia/Tokyo");
  EXPECT_TRUE(view.account.enabled);
  EXPECT_TRUE(view.account.password_hash.empty());  // created without a password
  EXPECT_FALSE(view.token.has_value());
  std::vector<AuditEvent> created = AuditEvents("account.create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].target, "account:" + std::to_string(view.account.id));
  EXPECT_THAT(created[0].details_json, HasSubstr("admin@localhost"));
}

TEST_F(AccountService, EmailsAreUniqueAsciiCaseInsensitively) {
  AccountView first = CreateAccount(master_, "User@Example.com");
  AccountInput in;
  in.email = "user@EXAMPLE.COM";
  in.role = "Auditor";
  in.access_level = "api_only";
  Result<AccountView> dup = accounts_.Create(master_, in);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field, "email");

  AccountView second = CreateAccount(master_, "other@example.com");
  AccountInput change;
  change.email = "USER@example.com";
  Result<AccountView> upd = accounts_.Update(master_, second.account.id, change);
  ASSERT_FALSE(upd.has_value());
  EXPECT_EQ(upd.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(upd.error().field, "email");
  change.email = "user@example.COM";  // its own address in another case is fine
  EXPECT_EQ(Must(accounts_.Update(master_, first.account.id, change)).account.email,
            "user@example.COM");
}

TEST_F(AccountService, FullAccessCannotCreateAMasterAdministratorAccount) {
  const Principal full = KeyOfRole("Full Access");
  AccountInput in;
  in.email = "boss@example.com";
  in.role = "Master Administrator";
  in.access_level = "console_and_api";
  Result<AccountView> r = accounts_.Create(full, in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  // Nor promote an account it manages to one.
  AccountView mine = CreateAccount(full, "mine@example.com", "Auditor");
  AccountInput promote;
  promote.role = "3";
  r = accounts_.Update(full, mine.account.id, promote);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Must(accounts_.Get(master_, mine.account.id)).account.role_id, kAuditorRoleId);
}

TEST_F(AccountService, FullAccessCannotActOnAMasterAdministratorAccount) {
  const Principal full = KeyOfRole("Full Access");
  const AccountId boss =
      CreateAccount(master_, "boss@example.com", "Master Administrator").account.id;
  AccountInput edit;
  edit.given_name = "Mallory";
  ExpectDenied(accounts_.SetEnabled(full, boss, false), "disable");
  ExpectDenied(accounts_.Update(full, boss, edit), "edit");
  ExpectDenied(accounts_.Delete(full, boss), "delete");
  ExpectDenied(accounts_.ResetPassword(full, boss), "reset");
  ExpectDenied(accounts_.Unlock(full, boss), "unlock");
  const Account after = Must(accounts_.Get(master_, boss)).account;
  EXPECT_TRUE(after.enabled);
  EXPECT_EQ(after.given_name, "");
  EXPECT_TRUE(after.password_hash.empty());
}

TEST_F(AccountService, TheLastMasterAdministratorRuleCountsAccounts) {
  const AccountId boss =
      CreateAccount(master_, "boss@example.com", "Master Administrator").account.id;
  // Without a password the account cannot sign in: it is no credential yet.
  Status st = service_.Delete(master_, master_id_);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kLastMasterAdministrator);
  SetKnownPassword(boss);
  ASSERT_TRUE(service_.Delete(master_, master_id_).has_value());
  // Now the account is the last credential.
  AccountInput api_only;
  api_only.access_level = "api_only";
  Result<AccountView> r = accounts_.Update(master_, boss, api_only);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLastMasterAdministrator);
  Result<AccountView> disabled = accounts_.SetEnabled(master_, boss, false);
  ASSERT_FALSE(disabled.has_value());
  EXPECT_EQ(disabled.error().code, ErrorCode::kLastMasterAdministrator);
  AccountInput demote;
  demote.role = "Full Access";
  r = accounts_.Update(master_, boss, demote);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLastMasterAdministrator);
  st = accounts_.Delete(master_, boss);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kLastMasterAdministrator);
  const Account after = Must(accounts_.Get(master_, boss)).account;
  EXPECT_TRUE(after.enabled);
  EXPECT_EQ(after.role_id, kMasterAdministratorRoleId);
  EXPECT_EQ(after.access_level, AccessLevel::kConsoleAndApi);
  // A second live Master Administrator account frees the first.
  const AccountId second =
      CreateAccount(master_, "deputy@example.com", "Master Administrator").account.id;
  SetKnownPassword(second);
  EXPECT_TRUE(accounts_.SetEnabled(master_, boss, false).has_value());
}

TEST_F(AccountService, ResetPasswordSetsAOneTimePasswordAndEndsSessions) {
  const AccountId id = CreateAccount(master_, "user@example.com").account.id;
  const std::string cookie = SignedInAs(id, "user@example.com");
  const std::string id_hash = SessionOf(cookie);
  EXPECT_FALSE(Must(accounts_.Get(master_, id)).account.must_change_password);
  const std::string otp = Must(accounts_.ResetPassword(master_, id));
  EXPECT_EQ(otp.size(), kOneTimePasswordLength);
  EXPECT_TRUE(std::all_of(otp.begin(), otp.end(),
                          [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));
  EXPECT_TRUE(Must(accounts_.Get(master_, id)).account.must_change_password);
  EXPECT_FALSE(StoredSession(id_hash).has_value());
  Result<SessionAuth> ended = sessions_.Authenticate(cookie, std::nullopt);
  ASSERT_FALSE(ended.has_value());
  EXPECT_EQ(ended.error().code, ErrorCode::kUnauthenticated);
  // The old password is gone; the one-time password signs in and must be changed.
  Result<SignedIn> old = sessions_.SignIn("user@example.com", kKnownPassword, std::nullopt);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error().code, ErrorCode::kUnauthenticated);
  SignedIn in = Must(sessions_.SignIn("user@example.com", otp, std::nullopt));
  EXPECT_TRUE(Must(sessions_.Authenticate(in.cookie, std::nullopt)).must_change_password);
  EXPECT_NE(Must(accounts_.ResetPassword(master_, id)), otp);
}

TEST_F(AccountService, BootstrapAdministratorCreatesAdminAtLocalhostOnce) {
  std::optional<std::string> otp = Must(accounts_.BootstrapAdministrator());
  ASSERT_TRUE(otp.has_value());
  EXPECT_EQ(otp->size(), kOneTimePasswordLength);
  AccountPage page = Must(accounts_.List(master_, {}));
  ASSERT_EQ(page.items.size(), 1u);
  const Account& admin = page.items[0].account;
  EXPECT_EQ(admin.email, "admin@localhost");
  EXPECT_EQ(admin.role_id, kMasterAdministratorRoleId);
  EXPECT_EQ(admin.access_level, AccessLevel::kConsoleAndApi);
  EXPECT_TRUE(admin.must_change_password);
  EXPECT_TRUE(admin.enabled);
  SignedIn in = Must(sessions_.SignIn("admin@localhost", *otp, std::nullopt));
  EXPECT_TRUE(in.account.account.must_change_password);

  EXPECT_FALSE(Must(accounts_.BootstrapAdministrator()).has_value());
  ASSERT_TRUE(accounts_.Delete(master_, admin.id).has_value());
  EXPECT_FALSE(Must(accounts_.BootstrapAdministrator()).has_value());
  EXPECT_TRUE(Must(accounts_.List(master_, {})).items.empty());
  std::vector<AuditEvent> created = AuditEvents("account.create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].actor, "system");
  EXPECT_THAT(created[0].details_json, Not(HasSubstr(*otp)));
}

TEST_F(AccountService, EveryChangeIsAuditedAndNoSecretReachesTheTrail) {
  std::vector<std::string> secrets;
  const AccountId id = CreateAccount(master_, "user@example.com").account.id;
  AccountInput in;
  in.given_name = "Grace";
  Must(accounts_.Update(master_, id, in));
  Must(accounts_.SetEnabled(master_, id, false));
  Must(accounts_.SetEnabled(master_, id, true));
  Must(accounts_.Unlock(master_, id));
  secrets.push_back(Must(accounts_.ResetPassword(master_, id)));
  secrets.push_back(SecretOf(Must(accounts_.IssueToken(master_, id, std::nullopt)).token));
  ASSERT_TRUE(accounts_.DeleteToken(master_, id).has_value());
  secrets.push_back(SecretOf(Must(accounts_.IssueToken(master_, id, std::nullopt)).token));
  SetKnownPassword(id);  // a reset and a change by the owner
  ASSERT_TRUE(accounts_.Delete(master_, id).has_value());
  EXPECT_THAT(AuditActions(),
              IsSupersetOf({"account.create", "account.update", "account.enable", "account.disable",
                            "account.unlock", "account.delete", "account.password",
                            "account.token.create", "account.token.delete"}));
  const std::string target = "account:" + std::to_string(id);
  for (const char* action : {"account.update", "account.disable", "account.enable"}) {
    std::vector<AuditEvent> events = AuditEvents(action);
    ASSERT_EQ(events.size(), 1u) << action;
    EXPECT_EQ(events[0].target, target) << action;
    EXPECT_EQ(events[0].actor, master_.actor) << action;
  }
  EXPECT_THAT(AuditEvents("account.update")[0].details_json, HasSubstr("Grace"));
  for (const AuditEvent& e : AuditTrail()) {
    for (const std::string& secret : secrets) {
      EXPECT_THAT(e.details_json, Not(HasSubstr(secret))) << e.action;
    }
    EXPECT_THAT(e.details_json, Not(HasSubstr(kKnownPassword))) << e.action;
    EXPECT_THAT(e.details_json, Not(HasSubstr("$argon2id"))) << e.action;
  }
}

TEST_F(AccountService, EachFieldChangedAloneIsWrittenAndAudited) {
  const AccountId id = CreateAccount(master_, "user@example.com").account.id;
  const std::vector<std::pair<std::function<void(AccountInput&)>, std::string>> cases = {
      {[](AccountInput& in) { in.locale = "ja-JP"; }, "ja-JP"},
      {[](AccountInput& in) { in.access_level = "api_only"; }, "api_only"},
      {[](AccountInput& in) { in.time_zone = "Asia/Tokyo"; }, "Asia/Tokyo"},
      {[](AccountInput& in) { in.surname = "Hopper"; }, "Hopper"},
      {[](AccountInput& in) { in.enabled = false; }, "false"},
  };
  for (const auto& [edit, shown] : cases) {
    AccountInput in;
    edit(in);
    Must(accounts_.Update(master_, id, in));
    std::vector<AuditEvent> updates = AuditEvents("account.update");
    ASSERT_FALSE(updates.empty()) << shown;
    EXPECT_THAT(updates.back().details_json, HasSubstr(shown));
  }
  EXPECT_EQ(AuditEvents("account.update").size(), cases.size());
  const Account after = Must(accounts_.Get(master_, id)).account;
  EXPECT_EQ(after.locale, Locale::kJaJp);
  EXPECT_EQ(after.access_level, AccessLevel::kApiOnly);
  EXPECT_EQ(after.time_zone, "Asia/Tokyo");
  EXPECT_EQ(after.surname, "Hopper");
  EXPECT_FALSE(after.enabled);
}

TEST_F(AccountService, AnUpdateThatChangesNothingWritesNoAuditEvent) {
  const AccountId id = CreateAccount(master_, "user@example.com").account.id;
  const std::size_t before = AuditTrail().size();
  AccountInput same;
  same.email = "user@example.com";
  same.role = "Auditor";
  same.access_level = "console_and_api";
  same.enabled = true;
  Must(accounts_.Update(master_, id, same));
  Must(accounts_.SetEnabled(master_, id, true));
  EXPECT_EQ(AuditTrail().size(), before);
}

TEST_F(AccountService, AChosenOneTimePasswordSignsInOnceAndMustBeChanged) {
  AccountInput input;
  input.email = "chosen@example.com";
  input.role = "Auditor";
  input.access_level = "console_and_api";
  input.one_time_password = "short";
  Result<AccountView> weak = accounts_.Create(master_, input);
  ASSERT_FALSE(weak.has_value());
  EXPECT_EQ(weak.error().field, "password");
  input.one_time_password = "a chosen password 1";
  const AccountId id = Must(accounts_.Create(master_, input)).account.id;
  EXPECT_TRUE(Must(accounts_.Get(master_, id)).account.must_change_password);
  SignedIn in = Must(sessions_.SignIn("chosen@example.com", "a chosen password 1", std::nullopt));
  EXPECT_TRUE(Must(sessions_.Authenticate(in.cookie, std::nullopt)).must_change_password);
  // Set again by an update: the sessions end and the new one works, once.
  AccountInput again;
  again.one_time_password = "another chosen one 2";
  Must(accounts_.Update(master_, id, again));
  EXPECT_FALSE(sessions_.Authenticate(in.cookie, std::nullopt).has_value());
  Must(sessions_.SignIn("chosen@example.com", "another chosen one 2", std::nullopt));
  EXPECT_FALSE(
      sessions_.SignIn("chosen@example.com", "another chosen one 2", std::nullopt).has_value());
  // Audited as a one-time password, never as the password itself.
  const std::vector<AuditEvent> updates = AuditEvents("account.update");
  ASSERT_FALSE(updates.empty());
  EXPECT_NE(updates.back().details_json.find("oneTimePassword"), std::string::npos);
  for (const AuditEvent& e : AuditTrail()) {
    EXPECT_EQ(e.details_json.find("chosen one"), std::string::npos) << e.action;
  }
}

TEST_F(AccountService, AttributesAreKeptAsGivenAndTheirChangeIsAudited) {
  AccountInput input;
  input.email = "attrs@example.com";
  input.role = "Auditor";
  input.access_level = "api_only";
  input.attributes = R"({"fullName":"Ada"})";
  const AccountId id = Must(accounts_.Create(master_, input)).account.id;
  EXPECT_EQ(Must(accounts_.Get(master_, id)).account.attributes, R"({"fullName":"Ada"})");
  AccountInput change;
  change.attributes = R"({"fullName":"Ada L."})";
  EXPECT_EQ(Must(accounts_.Update(master_, id, change)).account.attributes,
            R"({"fullName":"Ada L."})");
  EXPECT_NE(AuditEvents("account.update").back().details_json.find("attributesChanged"),
            std::string::npos);
  change.attributes = std::string(kMaxAttributesLength + 1, ' ');
  Result<AccountView> big = accounts_.Update(master_, id, change);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().field, "attributes");
}

}  // namespace
}  // namespace keyward::core
