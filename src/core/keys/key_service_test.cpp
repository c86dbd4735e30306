#include "core/keys/key_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/crypto/token.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// One fixture class for the whole KeyService suite, whichever file its tests are in (this one,
// key_rotation_test.cpp and key_permissions_test.cpp).
using KeyService = testing::KeyFixture;

// Every string a key exposes, for "the secret is nowhere" checks.
std::string AllText(const ApiKey& k) {
  std::string out = k.public_id + k.name + k.description + k.role_name + k.time_zone;
  for (const auto& r : k.allowed_ips) out += r.ToString();
  return out;
}

std::string SecretOf(const std::string& token) {
  return std::string(ParseToken(token).value().secret);
}

TEST_F(KeyService, CreateReturnsAWorkingTokenOnce) {
  IssuedKey k = MustCreate(master_, "Splunk forwarder", "Auditor");
  ASSERT_TRUE(ParseToken(k.token).has_value());
  EXPECT_EQ(k.key.role_id, kAuditorRoleId);
  EXPECT_EQ(k.key.role_name, "Auditor");
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kValid);
  Result<ApiKey> again = service_.Get(master_, k.key.id);
  ASSERT_TRUE(again.has_value());
  EXPECT_THAT(AllText(again.value()), Not(HasSubstr(SecretOf(k.token))));
}

TEST_F(KeyService, StoreKeepsOnlyTheDigestOfTheSecret) {
  IssuedKey k = MustCreate(master_, "digest only", "Auditor");
  const std::string secret = SecretOf(k.token);
  ApiKey stored = Stored(k.key.id);
  EXPECT_EQ(stored.digest, hasher_.Digest(secret));
  EXPECT_THAT(AllText(stored), Not(HasSubstr(secret)));
}

TEST_F(KeyService, NameUniquenessFoldsAsciiCaseOnly) {
  MustCreate(master_, "Splunk", "Auditor");
  CreateKeyInput in;
  in.name = "SPLUNK";
  in.role = "Auditor";
  Result<IssuedKey> dup = service_.Create(master_, in);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(dup.error().field, "name");
  MustCreate(master_, "Café", "Auditor");
  MustCreate(master_, "CafÉ", "Auditor");  // non-ASCII letters compare exactly
}

struct BadCreate {
  const char* what;
  std::function<void(CreateKeyInput&)> edit;
  const char* field;
};

TEST_F(KeyService, CreateNamesTheFieldOfEachBadInput) {
  const std::vector<BadCreate> cases = {
      {"empty name", [](CreateKeyInput& in) { in.name = ""; }, "name"},
      {"control char",
       [](CreateKeyInput& in) {
         in.name =
             "a\x01"
             "b";
       },
       "name"},
      {"long name", [](CreateKeyInput& in) { in.name = std::string(129, 'x'); }, "name"},
      {"locale", [](CreateKeyInput& in) { in.locale = "fr-FR"; }, "locale"},
      {"zone", [](CreateKeyInput& in) { in.time_zone = "Mars/Olympus"; }, "timeZone"},
      {"past expiry", [](CreateKeyInput& in) { in.expires_at = "2020-01-01T00:00:00Z"; },
       "expiresAt"},
      {"bad expiry", [](CreateKeyInput& in) { in.expires_at = "tomorrow"; }, "expiresAt"},
      {"private ip",
       [](CreateKeyInput& in) {
         in.allowed_ips = std::vector<std::string>{"8.8.8.8", "10.0.0.1"};
       },
       "allowedIps[1]"},
      {"wildcard", [](CreateKeyInput& in) { in.allowed_ips = std::vector<std::string>{"1.2.3.*"}; },
       "allowedIps[0]"},
      {"unknown role", [](CreateKeyInput& in) { in.role = "Nope"; }, "role"},
      {"unknown role id", [](CreateKeyInput& in) { in.role = "99"; }, "role"},
  };
  for (const BadCreate& c : cases) {
    CreateKeyInput in;
    in.name = "valid name";
    in.role = "Auditor";
    c.edit(in);
    Result<IssuedKey> r = service_.Create(master_, in);
    ASSERT_FALSE(r.has_value()) << c.what;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what;
  }
}

TEST_F(KeyService, ExpiryWithoutOffsetIsReadInTheCallersZone) {
  Principal tokyo = master_;
  tokyo.time_zone = "Asia/Tokyo";
  CreateKeyInput in;
  in.name = "tokyo";
  in.role = "Auditor";
  in.expires_at = "2027-02-01T09:00:00";
  IssuedKey k = service_.Create(tokyo, in).value();
  ASSERT_TRUE(k.key.expires_at.has_value());
  EXPECT_EQ(k.key.expires_at->time_since_epoch().count(), 1'801'440'000);  // 2027-02-01T00:00Z
}

TEST_F(KeyService, ExpiryCannotBeEdited) {
  IssuedKey k = MustCreate(master_, "fixed expiry", "Auditor");
  UpdateKeyInput in;
  in.expires_at_given = true;
  in.name = "renamed";
  Result<ApiKey> r = service_.Update(master_, k.key.id, in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kImmutableField);
  EXPECT_EQ(r.error().field, "expiresAt");
  EXPECT_EQ(Stored(k.key.id).name, "fixed expiry");
}

TEST_F(KeyService, UpdateChangesEditableFields) {
  IssuedKey k = MustCreate(master_, "editable", "Auditor");
  UpdateKeyInput in;
  in.name = "edited";
  in.description = "for QRadar";
  in.role = "1";
  in.locale = "ja-JP";
  in.time_zone = "Asia/Tokyo";
  in.allowed_ips = std::vector<std::string>{"8.8.8.0/24"};
  ApiKey after = service_.Update(master_, k.key.id, in).value();
  EXPECT_EQ(after.name, "edited");
  EXPECT_EQ(after.description, "for QRadar");
  EXPECT_EQ(after.role_id, kFullAccessRoleId);
  EXPECT_EQ(after.locale, Locale::kJaJp);
  EXPECT_EQ(after.time_zone, "Asia/Tokyo");
  ASSERT_EQ(after.allowed_ips.size(), 1u);
  EXPECT_EQ(after.allowed_ips[0].ToString(), "8.8.8.0/24");
}

TEST_F(KeyService, UpdateRejectsANameAnotherKeyHolds) {
  MustCreate(master_, "first", "Auditor");
  IssuedKey second = MustCreate(master_, "second", "Auditor");
  UpdateKeyInput in;
  in.name = "FIRST";
  Result<ApiKey> r = service_.Update(master_, second.key.id, in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  in.name = "SECOND";  // its own name in another case is fine
  EXPECT_TRUE(service_.Update(master_, second.key.id, in).has_value());
}

TEST_F(KeyService, AccountTokensAreReadOnlyHereButCanBeDisabledAndDeleted) {
  AccountTokenInput in;
  in.account_id = 7;
  in.name = "token of auditor@example.com";
  in.role_id = kAuditorRoleId;
  IssuedKey token = TransactValue<IssuedKey>(store_, [&](UnitOfWork& uow) {
                      return service_.IssueAccountToken(uow, core::Principal::System(), in);
                    }).value();
  EXPECT_EQ(token.key.source, KeySource::kAccount);
  UpdateKeyInput rename;
  rename.name = "x";
  Result<ApiKey> upd = service_.Update(master_, token.key.id, rename);
  ASSERT_FALSE(upd.has_value());
  EXPECT_EQ(upd.error().code, ErrorCode::kReadOnly);
  Result<IssuedKey> rot = service_.Rotate(master_, token.key.id, 0);
  ASSERT_FALSE(rot.has_value());
  EXPECT_EQ(rot.error().code, ErrorCode::kReadOnly);
  EXPECT_EQ(VerifyFrom(token.token), Outcome::kValid);  // the rotate left the secret alone
  EXPECT_TRUE(service_.SetEnabled(master_, token.key.id, false).has_value());
  EXPECT_TRUE(service_.Lock(master_, token.key.id).has_value());
  EXPECT_TRUE(service_.Unlock(master_, token.key.id).has_value());
  EXPECT_TRUE(service_.Delete(master_, token.key.id).has_value());
}

TEST_F(KeyService, BulkDeleteReportsEachIdInOrder) {
  IssuedKey a = MustCreate(master_, "a", "Auditor");
  std::vector<BulkDeleteResult> r =
      service_
          .DeleteMany(master_,
                      {std::to_string(a.key.id), "999", "abc", "-1", std::to_string(a.key.id)})
          .value();
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].status, 204);
  EXPECT_EQ(r[1].status, 404);
  EXPECT_EQ(r[2].id, "abc");
  EXPECT_EQ(r[2].status, 404);
  EXPECT_EQ(r[3].status, 404);
  EXPECT_EQ(r[4].status, 404);  // already deleted by the first entry
  EXPECT_EQ(service_.Get(master_, a.key.id).error().code, ErrorCode::kNotFound);
}

TEST_F(KeyService, BulkDeleteWithOneForbiddenTargetDeletesNothing) {
  Principal full = As(MustCreate(master_, "full", "Full Access").token);
  IssuedKey a = MustCreate(master_, "a", "Auditor");
  IssuedKey b = MustCreate(master_, "b", "Auditor");
  Result<std::vector<BulkDeleteResult>> r = service_.DeleteMany(
      full, {std::to_string(a.key.id), std::to_string(b.key.id), std::to_string(master_id_)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(service_.Get(master_, a.key.id).has_value());
  EXPECT_TRUE(service_.Get(master_, b.key.id).has_value());
}

TEST_F(KeyService, AFailedCommitLeavesNeitherChangeNorAuditEvent) {
  const std::size_t events_before = AuditTrail().size();
  store_.FailNextCommit();
  CreateKeyInput in;
  in.name = "lost";
  in.role = "Auditor";
  Result<IssuedKey> r = service_.Create(master_, in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(AuditTrail().size(), events_before);
  KeyListInput q;
  q.q = "lost";
  EXPECT_TRUE(service_.List(master_, q).value().items.empty());

  IssuedKey a = MustCreate(master_, "a", "Auditor");
  store_.FailNextCommit();
  EXPECT_FALSE(service_.DeleteMany(master_, {std::to_string(a.key.id)}).has_value());
  EXPECT_TRUE(service_.Get(master_, a.key.id).has_value());
}

TEST_F(KeyService, ListPagesNewestFirstWithACursor) {
  for (int i = 0; i < 5; ++i) MustCreate(master_, "key " + std::to_string(i), "Auditor");
  KeyListInput in;
  in.limit = "2";
  std::vector<std::string> names;
  for (int page = 0; page < 10; ++page) {
    KeyPage p = service_.List(master_, in).value();
    for (const ApiKey& k : p.items) names.push_back(k.name);
    if (!p.next_cursor) break;
    in.cursor = p.next_cursor;
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"key 4", "key 3", "key 2", "key 1", "key 0", "admin"}));
}

TEST_F(KeyService, ListRejectsBadLimitsCursorsAndFilters) {
  for (const char* bad : {"0", "501", "x", "-1", ""}) {
    KeyListInput in;
    in.limit = bad;
    EXPECT_EQ(service_.List(master_, in).error().field, "limit") << bad;
  }
  KeyListInput cursor;
  cursor.cursor = "not-a-cursor";
  EXPECT_EQ(service_.List(master_, cursor).error().field, "cursor");
  KeyListInput status;
  status.status = "sleeping";
  EXPECT_EQ(service_.List(master_, status).error().field, "status");
}

TEST_F(KeyService, ListFiltersByStatusRoleSourceAndText) {
  IssuedKey a = MustCreate(master_, "Splunk HEC", "Auditor");
  IssuedKey b = MustCreate(master_, "QRadar", "Full Access");
  ASSERT_TRUE(service_.SetEnabled(master_, b.key.id, false).has_value());
  KeyListInput disabled;
  disabled.status = "disabled";
  auto items = service_.List(master_, disabled).value().items;
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, b.key.id);
  KeyListInput by_role;
  by_role.role = "Auditor";
  items = service_.List(master_, by_role).value().items;
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, a.key.id);
  KeyListInput text;
  text.q = "splunk";
  items = service_.List(master_, text).value().items;
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, a.key.id);
}

TEST_F(KeyService, UnlockClearsTheLockAndTheFailedAttempts) {
  IssuedKey k = MustCreate(master_, "locked", "Auditor");
  ASSERT_TRUE(service_.Lock(master_, k.key.id).has_value());
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kLockedOut);
  EXPECT_EQ(Stored(k.key.id).StatusAt(clock_.Now()), KeyStatus::kLockedOut);
  EXPECT_FALSE(Stored(k.key.id).unlock_at.has_value());  // manual: until unlocked
  ApiKey unlocked = service_.Unlock(master_, k.key.id).value();
  EXPECT_FALSE(unlocked.locked);
  EXPECT_EQ(unlocked.failed_attempts, 0);
  EXPECT_EQ(VerifyFrom(k.token), Outcome::kValid);
}

TEST_F(KeyService, EveryChangeIsAuditedWithoutTheSecret) {
  IssuedKey k = MustCreate(master_, "audited", "Auditor");
  UpdateKeyInput in;
  in.name = "audited 2";
  ASSERT_TRUE(service_.Update(master_, k.key.id, in).has_value());
  ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, false).has_value());
  ASSERT_TRUE(service_.SetEnabled(master_, k.key.id, true).has_value());
  ASSERT_TRUE(service_.Lock(master_, k.key.id).has_value());
  ASSERT_TRUE(service_.Unlock(master_, k.key.id).has_value());
  IssuedKey rotated = service_.Rotate(master_, k.key.id, 60).value();
  ASSERT_TRUE(service_.Delete(master_, k.key.id).has_value());
  std::vector<std::string> actions;
  for (const AuditEvent& e : AuditTrail()) {
    if (e.target != "apikey:" + std::to_string(k.key.id)) continue;
    actions.push_back(e.action);
    EXPECT_EQ(e.actor, master_.actor);
    EXPECT_THAT(e.details_json, Not(HasSubstr(SecretOf(k.token))));
    EXPECT_THAT(e.details_json, Not(HasSubstr(SecretOf(rotated.token))));
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"apikey.create", "apikey.update", "apikey.disable",
                                               "apikey.enable", "apikey.lock", "apikey.unlock",
                                               "apikey.rotate", "apikey.delete"}));
}

}  // namespace
}  // namespace keyward::core
