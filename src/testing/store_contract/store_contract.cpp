// The store contract, part 1: API keys. Roles, audit, meta and units of work are in
// store_contract_roles.cpp.
#include "testing/store_contract/store_contract.hpp"

#include <algorithm>

#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::AtNow;
using contract::ByQuery;
using contract::ByRole;
using contract::BySource;
using contract::ByStatus;
using contract::Do;
using contract::ExpectError;
using contract::Find;
using contract::Get;
using contract::Ids;
using contract::Insert;
using contract::kNow;
using contract::List;
using contract::Names;
using contract::NewKey;
using contract::Page;
using contract::TryInsert;
using core::ApiKey;
using core::ErrorCode;
using core::KeyId;
using core::UnitOfWork;
using std::chrono::seconds;

// Every stored field (role_name aside: it is the role's, checked on its own).
void ExpectSameKey(const ApiKey& got, const ApiKey& want) {
  EXPECT_EQ(got.public_id, want.public_id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.role_id, want.role_id);
  EXPECT_EQ(got.locale, want.locale);
  EXPECT_EQ(got.time_zone, want.time_zone);
  EXPECT_EQ(got.enabled, want.enabled);
  EXPECT_EQ(got.locked, want.locked);
  EXPECT_EQ(got.unlock_at, want.unlock_at);
  EXPECT_EQ(got.failed_attempts, want.failed_attempts);
  EXPECT_EQ(got.expires_at, want.expires_at);
  EXPECT_EQ(got.allowed_ips, want.allowed_ips);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.account_id, want.account_id);
  EXPECT_EQ(got.account_suspended, want.account_suspended);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.last_used_at, want.last_used_at);
  EXPECT_EQ(got.secret_rotated_at, want.secret_rotated_at);
  EXPECT_EQ(got.digest, want.digest);
  EXPECT_EQ(got.previous_digest, want.previous_digest);
  EXPECT_EQ(got.previous_digest_until, want.previous_digest_until);
  EXPECT_EQ(got.previous_secret_last_used_at, want.previous_secret_last_used_at);
}

// A key with every optional field set and every field away from its default.
ApiKey FullKey(std::string public_id) {
  ApiKey key;
  key.public_id = std::move(public_id);
  key.name = "Round trip \xE2\x9C\x93 key";
  key.description = "line one\nline two\twith a tab";
  key.role_id = core::kAuditorRoleId;
  key.locale = core::Locale::kJaJp;
  key.time_zone = "Asia/Tokyo";
  key.enabled = false;
  key.locked = true;
  key.unlock_at = kNow + seconds{900};
  key.failed_attempts = 5;
  key.expires_at = kNow + seconds{86400};
  key.allowed_ips = {core::Ipv4Range{0x08080800u, 24}, core::Ipv4Range{0x01010101u, 32}};
  key.source = core::KeySource::kImport;
  key.account_id = 77;
  key.account_suspended = true;
  key.created_at = kNow - seconds{100};
  key.last_used_at = kNow - seconds{5};
  key.secret_rotated_at = kNow - seconds{50};
  key.digest = contract::Digest(2, 0x10);
  key.previous_digest = contract::Digest(1, 0xA0);
  key.previous_digest_until = kNow + seconds{3600};
  key.previous_secret_last_used_at = kNow - seconds{7};
  return key;
}

TEST_P(StoreContract, InsertedKeyIsFoundByIdAndPublicId) {
  const ApiKey key = NewKey("deploy bot");
  const KeyId id = Insert(store(), key);
  EXPECT_GT(id, 0);
  const auto by_id = Find(store(), id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->id, id);
  ExpectSameKey(*by_id, key);
  const auto by_public_id = Get<std::optional<ApiKey>>(
      store(), [&](UnitOfWork& uow) { return uow.FindKeyByPublicId(key.public_id); });
  ASSERT_TRUE(by_public_id.has_value());
  EXPECT_EQ(by_public_id->id, id);
  EXPECT_FALSE(Find(store(), id + 1000).has_value());
  EXPECT_FALSE(Get<std::optional<ApiKey>>(store(), [](UnitOfWork& uow) {
                 return uow.FindKeyByPublicId("NoSuchPubId0");
               }).has_value());
}

TEST_P(StoreContract, ReadsFillRoleName) {
  const std::string auditor = core::BuiltInRoles()[1].name;
  const ApiKey key = NewKey("reader", core::kAuditorRoleId);
  const KeyId id = Insert(store(), key);
  EXPECT_EQ(Find(store(), id)->role_name, auditor);
  const auto by_public_id = Get<std::optional<ApiKey>>(
      store(), [&](UnitOfWork& uow) { return uow.FindKeyByPublicId(key.public_id); });
  EXPECT_EQ(by_public_id->role_name, auditor);
  EXPECT_EQ(List(store(), AtNow()).at(0).role_name, auditor);
  const auto with_role = Get<std::vector<ApiKey>>(
      store(), [](UnitOfWork& uow) { return uow.KeysWithRole(core::kAuditorRoleId); });
  EXPECT_EQ(with_role.at(0).role_name, auditor);
  const auto all = Get<std::vector<ApiKey>>(store(), [](UnitOfWork& uow) { return uow.AllKeys(); });
  EXPECT_EQ(all.at(0).role_name, auditor);
}

TEST_P(StoreContract, KeyIdIsFoundByNameKey) {
  const KeyId id = Insert(store(), NewKey("Deploy Bot"));
  const auto found = Get<std::optional<KeyId>>(
      store(), [](UnitOfWork& uow) { return uow.FindKeyIdByNameKey(core::NameKey("DEPLOY bot")); });
  EXPECT_EQ(found, id);
  const auto missing = Get<std::optional<KeyId>>(
      store(), [](UnitOfWork& uow) { return uow.FindKeyIdByNameKey("someone else"); });
  EXPECT_FALSE(missing.has_value());
}

TEST_P(StoreContract, KeyNameIsUniqueIgnoringAsciiCase) {
  Insert(store(), NewKey("Deploy Bot"));
  const ApiKey twin = NewKey("dEPLOY bOT");
  const auto st = TryInsert(store(), twin);
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kAlreadyExists));
  EXPECT_EQ(st.error().msg, core::Msg::kKeyNameTaken);
  EXPECT_EQ(st.error().args, std::vector<std::string>{"dEPLOY bOT"});
}

TEST_P(StoreContract, NonAsciiNameLettersCompareExactly) {
  Insert(store(), NewKey("\xC3\x84rger"));      // "Ärger"
  Insert(store(), NewKey("\xC3\xA4rger"));      // "ärger": another name
  const ApiKey upper = NewKey("\xC3\x84RGER");  // "ÄRGER": ASCII folds onto "Ärger"
  const auto st = TryInsert(store(), upper);
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kAlreadyExists));
  EXPECT_EQ(List(store(), AtNow()).size(), 2u);
}

TEST_P(StoreContract, PublicIdIsUnique) {
  const ApiKey first = NewKey("first");
  Insert(store(), first);
  ApiKey second = NewKey("second");
  second.public_id = first.public_id;
  const auto st = TryInsert(store(), second);
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kAlreadyExists));
}

TEST_P(StoreContract, InsertKeyWithUnknownRoleIsNotFound) {
  const ApiKey key = NewKey("orphan", 999);
  const auto st = TryInsert(store(), key);
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kNotFound));
}

TEST_P(StoreContract, InsertRoundTripsEveryField) {
  const ApiKey key = FullKey(contract::NextPublicId());
  const KeyId id = Insert(store(), key);
  const auto got = Find(store(), id);
  ASSERT_TRUE(got.has_value());
  ExpectSameKey(*got, key);
}

TEST_P(StoreContract, UpdateRoundTripsEveryField) {
  const KeyId id = Insert(store(), NewKey("plain"));
  ApiKey full = FullKey(contract::NextPublicId());
  full.id = id;
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(full); }).has_value());
  auto got = Find(store(), id);
  ASSERT_TRUE(got.has_value());
  ExpectSameKey(*got, full);
  EXPECT_EQ(got->role_name, core::BuiltInRoles()[1].name);

  ApiKey plain = NewKey("plain again", core::kMasterAdministratorRoleId);
  plain.id = id;  // every optional field empty, every flag at its default
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(plain); }).has_value());
  got = Find(store(), id);
  ASSERT_TRUE(got.has_value());
  ExpectSameKey(*got, plain);
}

TEST_P(StoreContract, SetLastUsedRecordsUsesOfThePreviousSecretApart) {
  const KeyId id = Insert(store(), NewKey("rolling over"));
  const KeyId other = Insert(store(), NewKey("bystander"));
  // A use of the previous secret sets both times; a later use of the current one keeps the
  // previous secret's time as it was; an id that names no key is skipped.
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.SetLastUsed(
                    {{id, kNow - seconds{20}, kNow - seconds{20}}, {other + 1000, kNow, kNow}});
              }).has_value());
  auto got = Find(store(), id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->last_used_at, kNow - seconds{20});
  EXPECT_EQ(got->previous_secret_last_used_at, kNow - seconds{20});
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.SetLastUsed({{id, kNow - seconds{10}, std::nullopt}});
              }).has_value());
  got = Find(store(), id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->last_used_at, kNow - seconds{10});
  EXPECT_EQ(got->previous_secret_last_used_at, kNow - seconds{20});
  const auto bystander = Find(store(), other);
  ASSERT_TRUE(bystander.has_value());
  EXPECT_FALSE(bystander->last_used_at.has_value());
  EXPECT_FALSE(bystander->previous_secret_last_used_at.has_value());
}

TEST_P(StoreContract, UpdateKeepsNameUnique) {
  Insert(store(), NewKey("alpha"));
  const KeyId beta_id = Insert(store(), NewKey("beta"));
  ApiKey beta = *Find(store(), beta_id);
  beta.name = "ALPHA";
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(beta); }),
              ErrorCode::kAlreadyExists);
  beta.name = "BETA";  // its own name, other case
  EXPECT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(beta); }).has_value());
  EXPECT_EQ(Find(store(), beta_id)->name, "BETA");
}

TEST_P(StoreContract, UpdateOfMissingKeyIsNotFound) {
  ApiKey key = NewKey("ghost");
  key.id = 4242;
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(key); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContract, DeletedKeyIsNotFound) {
  const KeyId id = Insert(store(), NewKey("short lived"));
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteKey(id); }).has_value());
  EXPECT_FALSE(Find(store(), id).has_value());
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteKey(id); }),
              ErrorCode::kNotFound);
  // The name is free again.
  EXPECT_GT(Insert(store(), NewKey("short lived")), id);
}

TEST_P(StoreContract, DeletedKeyIdIsNeverReused) {
  const KeyId first = Insert(store(), NewKey("first"));
  const KeyId last = Insert(store(), NewKey("last"));
  EXPECT_GT(last, first);
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteKey(last); }).has_value());
  const KeyId next = Insert(store(), NewKey("next"));
  EXPECT_GT(next, last);
}

TEST_P(StoreContract, ListKeysIsNewestFirstAndPages) {
  std::vector<KeyId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Insert(store(), NewKey("key " + std::to_string(i))));
  const auto page1 = List(store(), AtNow(), Page(2));
  EXPECT_EQ(Ids(page1), (std::vector<KeyId>{ids[4], ids[3]}));
  const auto page2 = List(store(), AtNow(), Page(2, page1.back().id));
  EXPECT_EQ(Ids(page2), (std::vector<KeyId>{ids[2], ids[1]}));
  const auto page3 = List(store(), AtNow(), Page(2, page2.back().id));
  EXPECT_EQ(Ids(page3), (std::vector<KeyId>{ids[0]}));
  EXPECT_TRUE(List(store(), AtNow(), Page(2, ids[0])).empty());
  EXPECT_EQ(List(store(), AtNow()).size(), 5u);
  EXPECT_TRUE(List(store(), AtNow(), Page(0)).empty());
}

TEST_P(StoreContract, ListKeysFiltersByStatusAtNow) {
  ApiKey disabled = NewKey("disabled");  // also expired and locked: disabled comes first
  disabled.enabled = false;
  disabled.expires_at = kNow - seconds{10};
  disabled.locked = true;
  ApiKey expired_now = NewKey("expired now");  // expiry at exactly now; also locked
  expired_now.expires_at = kNow;
  expired_now.locked = true;
  ApiKey expired = NewKey("expired");
  expired.expires_at = kNow - seconds{1};
  ApiKey manual_lock = NewKey("manual lock");
  manual_lock.locked = true;
  ApiKey auto_lock = NewKey("auto lock");
  auto_lock.locked = true;
  auto_lock.unlock_at = kNow + seconds{1};
  auto_lock.failed_attempts = 5;
  ApiKey lock_over = NewKey("lock over");  // unlock_at reached: enabled again
  lock_over.locked = true;
  lock_over.unlock_at = kNow;
  ApiKey enabled = NewKey("enabled");
  enabled.expires_at = kNow + seconds{1};
  for (const ApiKey* key :
       {&disabled, &expired_now, &expired, &manual_lock, &auto_lock, &lock_over, &enabled}) {
    Insert(store(), *key);
  }

  using S = core::KeyStatus;
  const std::vector<std::pair<S, std::vector<std::string>>> cases = {
      {S::kDisabled, {"disabled"}},
      {S::kExpired, {"expired", "expired now"}},
      {S::kLockedOut, {"auto lock", "manual lock"}},
      {S::kEnabled, {"enabled", "lock over"}},
  };
  for (const auto& [status, want] : cases) {
    const auto keys = List(store(), ByStatus(status));
    EXPECT_EQ(Names(keys), want) << core::KeyStatusName(status);
    for (const ApiKey& key : keys) EXPECT_EQ(key.StatusAt(kNow), status) << key.name;
  }
  // A minute later the automatic lock is over too.
  EXPECT_EQ(Names(List(store(), ByStatus(S::kLockedOut, kNow + seconds{60}))),
            (std::vector<std::string>{"manual lock"}));
}

TEST_P(StoreContract, ListKeysFiltersByRoleAndSource) {
  ApiKey a = NewKey("auditor api", core::kAuditorRoleId);
  ApiKey b = NewKey("auditor console", core::kAuditorRoleId);
  b.source = core::KeySource::kConsole;
  ApiKey c = NewKey("full console");
  c.source = core::KeySource::kConsole;
  ApiKey d = NewKey("account token");
  d.source = core::KeySource::kAccount;
  d.account_id = 9;
  for (const ApiKey* key : {&a, &b, &c, &d}) Insert(store(), *key);

  EXPECT_EQ(Names(List(store(), ByRole(core::kAuditorRoleId))),
            (std::vector<std::string>{"auditor console", "auditor api"}));
  EXPECT_EQ(Names(List(store(), BySource(core::KeySource::kConsole))),
            (std::vector<std::string>{"full console", "auditor console"}));
  core::KeyFilter both = ByRole(core::kAuditorRoleId);
  both.source = core::KeySource::kConsole;
  EXPECT_EQ(Names(List(store(), both)), (std::vector<std::string>{"auditor console"}));
  EXPECT_EQ(Names(List(store(), BySource(core::KeySource::kAccount))),
            (std::vector<std::string>{"account token"}));
  EXPECT_TRUE(List(store(), BySource(core::KeySource::kImport)).empty());
  EXPECT_TRUE(List(store(), ByRole(core::kMasterAdministratorRoleId)).empty());
}

TEST_P(StoreContract, ListKeysQueryIsAsciiCaseInsensitiveSubstring) {
  ApiKey splunk = NewKey("Splunk Forwarder");
  splunk.description = "ships LOGS";
  ApiKey elan = NewKey("\xC3\x89lan");  // "Élan"
  ApiKey percent = NewKey("100% done");
  percent.description = "under_score";
  for (const ApiKey* key : {&splunk, &elan, &percent}) Insert(store(), *key);

  auto q = [&](std::string text) { return Names(List(store(), ByQuery(std::move(text)))); };
  EXPECT_EQ(q("forWARD"), (std::vector<std::string>{"Splunk Forwarder"}));
  EXPECT_EQ(q("Logs"), (std::vector<std::string>{"Splunk Forwarder"}));
  EXPECT_EQ(q("\xC3\x89"), (std::vector<std::string>{"\xC3\x89lan"}));  // "É"
  EXPECT_TRUE(q("\xC3\xA9").empty());                          // "é": only ASCII letters fold
  EXPECT_EQ(q("%"), (std::vector<std::string>{"100% done"}));  // no LIKE wildcards
  EXPECT_EQ(q("_"), (std::vector<std::string>{"100% done"}));
  EXPECT_TRUE(q("nothing like it").empty());
  EXPECT_EQ(q("").size(), 3u);
}

TEST_P(StoreContract, KeysWithRoleAndAllKeys) {
  const KeyId a = Insert(store(), NewKey("a", core::kAuditorRoleId));
  const KeyId b = Insert(store(), NewKey("b"));
  const KeyId c = Insert(store(), NewKey("c", core::kAuditorRoleId));
  auto with_role = Ids(Get<std::vector<ApiKey>>(
      store(), [](UnitOfWork& uow) { return uow.KeysWithRole(core::kAuditorRoleId); }));
  std::sort(with_role.begin(), with_role.end());
  EXPECT_EQ(with_role, (std::vector<KeyId>{a, c}));
  auto all = Ids(Get<std::vector<ApiKey>>(store(), [](UnitOfWork& uow) { return uow.AllKeys(); }));
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<KeyId>{a, b, c}));
  EXPECT_TRUE(Get<std::vector<ApiKey>>(store(), [](UnitOfWork& uow) {
                return uow.KeysWithRole(core::kMasterAdministratorRoleId);
              }).empty());
}

}  // namespace
}  // namespace keyward::storage
