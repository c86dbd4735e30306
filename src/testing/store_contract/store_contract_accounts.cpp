// The store contract, part 4: accounts, their tokens and the suspension of a token.
// Sign-in failures and console sessions are in store_contract_sessions.cpp.
#include <algorithm>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::Do;
using contract::ExpectError;
using contract::Find;
using contract::Get;
using contract::Insert;
using contract::InsertAccount;
using contract::kNow;
using contract::List;
using contract::Names;
using contract::NewAccount;
using contract::NewKey;
using contract::NewRole;
using contract::Page;
using core::Account;
using core::AccountId;
using core::ApiKey;
using core::ErrorCode;
using core::UnitOfWork;
using std::chrono::seconds;

core::Status TryInsertAccount(core::Store& store, const Account& account) {
  return Do(store, [&](UnitOfWork& uow) -> core::Status {
    auto r = uow.InsertAccount(account);
    if (!r) return r.error();
    return core::Ok();
  });
}

std::optional<Account> FindAccount(core::Store& store, AccountId id) {
  return Get<std::optional<Account>>(store, [&](UnitOfWork& uow) { return uow.FindAccount(id); });
}

std::optional<Account> FindByEmail(core::Store& store, std::string_view email) {
  return Get<std::optional<Account>>(
      store, [&](UnitOfWork& uow) { return uow.FindAccountByEmailKey(core::EmailKey(email)); });
}

std::vector<Account> ListAccounts(core::Store& store, const core::PageRequest& page) {
  return Get<std::vector<Account>>(store, [&](UnitOfWork& uow) { return uow.ListAccounts(page); });
}

std::vector<AccountId> AccountIds(const std::vector<Account>& accounts) {
  std::vector<AccountId> out;
  for (const Account& account : accounts) out.push_back(account.id);
  return out;
}

// Every stored field (role_name and sign_in_locked_until aside: they are filled on reads).
void ExpectSameAccount(const Account& got, const Account& want) {
  EXPECT_EQ(got.email, want.email);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.role_id, want.role_id);
  EXPECT_EQ(got.access_level, want.access_level);
  EXPECT_EQ(got.given_name, want.given_name);
  EXPECT_EQ(got.surname, want.surname);
  EXPECT_EQ(got.description, want.description);
  EXPECT_EQ(got.locale, want.locale);
  EXPECT_EQ(got.time_zone, want.time_zone);
  EXPECT_EQ(got.enabled, want.enabled);
  EXPECT_EQ(got.password_hash, want.password_hash);
  EXPECT_EQ(got.must_change_password, want.must_change_password);
  EXPECT_EQ(got.one_time_password_used, want.one_time_password_used);
  EXPECT_EQ(got.attributes, want.attributes);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.password_changed_at, want.password_changed_at);
}

// An account with every optional field set and every field away from its default.
Account FullAccount(std::string email) {
  Account account = NewAccount(std::move(email), core::kAuditorRoleId);
  account.access_level = core::AccessLevel::kConsoleOnly;
  account.given_name = "Hanako \xE2\x9C\x93";
  account.surname = "Yamada";
  account.description = "line one\nline two\twith a tab";
  account.locale = core::Locale::kJaJp;
  account.time_zone = "Asia/Tokyo";
  account.enabled = false;
  account.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  account.must_change_password = true;
  account.one_time_password_used = true;
  account.attributes = R"({"fullName":"山田 花子","pagerNumber":"","primaryContact":true})";
  account.created_at = kNow - seconds{100};
  account.password_changed_at = kNow - seconds{50};
  // Filled by reads, never stored: a store must ignore what a caller passes.
  account.role_name = "not stored";
  account.sign_in_locked_until = kNow + seconds{999};
  return account;
}

TEST_P(StoreContract, InsertedAccountRoundTripsEveryField) {
  const Account account = FullAccount("Hanako@Example.JP");
  const AccountId id = InsertAccount(store(), account);
  EXPECT_EQ(id, 1);  // ids start at 1
  const auto got = FindAccount(store(), id);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, id);
  ExpectSameAccount(*got, account);
  EXPECT_EQ(got->role_name, core::BuiltInRoles()[1].name);
  EXPECT_FALSE(got->sign_in_locked_until.has_value());
  EXPECT_FALSE(FindAccount(store(), id + 1000).has_value());
}

TEST_P(StoreContract, UpdatedAccountRoundTripsEveryField) {
  const AccountId id = InsertAccount(store(), NewAccount("plain@example.com"));
  Account full = FullAccount("full@example.com");
  full.id = id;
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateAccount(full); }).has_value());
  auto got = FindAccount(store(), id);
  ASSERT_TRUE(got.has_value());
  ExpectSameAccount(*got, full);
  EXPECT_EQ(got->role_name, core::BuiltInRoles()[1].name);

  Account plain = NewAccount("plain@example.com", core::kMasterAdministratorRoleId);
  plain.id = id;  // every optional field empty, every flag at its default
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateAccount(plain); }).has_value());
  got = FindAccount(store(), id);
  ASSERT_TRUE(got.has_value());
  ExpectSameAccount(*got, plain);
  EXPECT_EQ(got->role_name, core::BuiltInRoles()[2].name);
}

TEST_P(StoreContract, AccountIsFoundByEmailKeyIgnoringAsciiCase) {
  const AccountId id = InsertAccount(store(), NewAccount("Alice.Smith@Example.COM"));
  const auto found = FindByEmail(store(), "aLICE.sMITH@example.com");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->email, "Alice.Smith@Example.COM");
  EXPECT_EQ(found->role_name, core::BuiltInRoles()[0].name);
  EXPECT_FALSE(FindByEmail(store(), "bob@example.com").has_value());
  // The key is EmailKey's: the store does not fold it again.
  EXPECT_FALSE(Get<std::optional<Account>>(store(), [](UnitOfWork& uow) {
                 return uow.FindAccountByEmailKey("ALICE.SMITH@EXAMPLE.COM");
               }).has_value());
}

TEST_P(StoreContract, AccountEmailIsUniqueIgnoringAsciiCase) {
  InsertAccount(store(), NewAccount("alice@example.com"));
  const auto st = TryInsertAccount(store(), NewAccount("ALICE@Example.com"));
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kAlreadyExists));
  EXPECT_EQ(st.error().msg, core::Msg::kEmailTaken);
  EXPECT_EQ(st.error().field, "email");
  EXPECT_EQ(st.error().args, std::vector<std::string>{"ALICE@Example.com"});
  EXPECT_EQ(ListAccounts(store(), Page(50)).size(), 1u);

  const AccountId bob_id = InsertAccount(store(), NewAccount("bob@example.com"));
  Account bob = *FindAccount(store(), bob_id);
  bob.email = "Alice@Example.com";
  const auto taken = Do(store(), [&](UnitOfWork& uow) { return uow.UpdateAccount(bob); });
  ASSERT_NO_FATAL_FAILURE(ExpectError(taken, ErrorCode::kAlreadyExists));
  EXPECT_EQ(taken.error().msg, core::Msg::kEmailTaken);
  EXPECT_EQ(taken.error().field, "email");
  EXPECT_EQ(FindAccount(store(), bob_id)->email, "bob@example.com");
  bob.email = "BOB@example.com";  // its own email, other case
  EXPECT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateAccount(bob); }).has_value());
  EXPECT_EQ(FindAccount(store(), bob_id)->email, "BOB@example.com");
}

TEST_P(StoreContract, AccountWithUnknownRoleIsNotFound) {
  ExpectError(TryInsertAccount(store(), NewAccount("orphan@example.com", 999)),
              ErrorCode::kNotFound);
  const AccountId id = InsertAccount(store(), NewAccount("someone@example.com"));
  Account account = *FindAccount(store(), id);
  account.role_id = 999;
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateAccount(account); }),
              ErrorCode::kNotFound);
  EXPECT_EQ(FindAccount(store(), id)->role_id, core::kFullAccessRoleId);
}

TEST_P(StoreContract, MissingAccountIsNotFound) {
  EXPECT_FALSE(FindAccount(store(), 4242).has_value());
  Account ghost = NewAccount("ghost@example.com");
  ghost.id = 4242;
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateAccount(ghost); }),
              ErrorCode::kNotFound);
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAccount(4242); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContract, DeletedAccountIsGoneAndItsIdNeverReused) {
  const AccountId first = InsertAccount(store(), NewAccount("first@example.com"));
  const AccountId last = InsertAccount(store(), NewAccount("last@example.com"));
  EXPECT_GT(last, first);
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAccount(last); }).has_value());
  EXPECT_FALSE(FindAccount(store(), last).has_value());
  EXPECT_FALSE(FindByEmail(store(), "last@example.com").has_value());
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAccount(last); }),
              ErrorCode::kNotFound);
  // The email is free again, under a new id.
  EXPECT_GT(InsertAccount(store(), NewAccount("last@example.com")), last);
}

TEST_P(StoreContract, ListAccountsIsNewestFirstAndPages) {
  std::vector<AccountId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(InsertAccount(store(), NewAccount("user" + std::to_string(i) + "@example.com")));
  }
  const auto page1 = ListAccounts(store(), Page(2));
  EXPECT_EQ(AccountIds(page1), (std::vector<AccountId>{ids[4], ids[3]}));
  const auto page2 = ListAccounts(store(), Page(2, page1.back().id));
  EXPECT_EQ(AccountIds(page2), (std::vector<AccountId>{ids[2], ids[1]}));
  const auto page3 = ListAccounts(store(), Page(2, page2.back().id));
  EXPECT_EQ(AccountIds(page3), (std::vector<AccountId>{ids[0]}));
  EXPECT_TRUE(ListAccounts(store(), Page(2, ids[0])).empty());
  EXPECT_TRUE(ListAccounts(store(), Page(0)).empty());
  const auto all = ListAccounts(store(), Page(50));
  ASSERT_EQ(all.size(), 5u);
  for (const Account& account : all) EXPECT_EQ(account.role_name, core::BuiltInRoles()[0].name);
}

TEST_P(StoreContract, AccountsWithRoleFollowTheRole) {
  const core::RoleId ops = Get<core::RoleId>(
      store(), [](UnitOfWork& uow) { return uow.InsertRole(NewRole("Ops", {"orders:read"})); });
  const AccountId a = InsertAccount(store(), NewAccount("a@example.com", ops));
  InsertAccount(store(), NewAccount("b@example.com"));
  const AccountId c = InsertAccount(store(), NewAccount("c@example.com", ops));
  auto with_role = [&](core::RoleId role) {
    return Get<std::vector<Account>>(store(),
                                     [&](UnitOfWork& uow) { return uow.AccountsWithRole(role); });
  };
  auto ops_accounts = with_role(ops);
  EXPECT_EQ(AccountIds(ops_accounts), (std::vector<AccountId>{a, c}));
  for (const Account& account : ops_accounts) EXPECT_EQ(account.role_name, "Ops");
  EXPECT_TRUE(with_role(core::kMasterAdministratorRoleId).empty());

  core::Role renamed =
      *Get<std::optional<core::Role>>(store(), [&](UnitOfWork& uow) { return uow.FindRole(ops); });
  renamed.name = "Operations";
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateRole(renamed); }).has_value());
  EXPECT_EQ(FindAccount(store(), a)->role_name, "Operations");
}

TEST_P(StoreContract, RoleInUseByAnAccountCannotBeDeleted) {
  const core::RoleId ops = Get<core::RoleId>(
      store(), [](UnitOfWork& uow) { return uow.InsertRole(NewRole("Ops", {"orders:read"})); });
  const AccountId id = InsertAccount(store(), NewAccount("ops@example.com", ops));
  const auto st = Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(ops); });
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kInUse));
  EXPECT_EQ(st.error().msg, core::Msg::kRoleInUse);
  EXPECT_EQ(st.error().args, (std::vector<std::string>{"Ops", "1"}));
  EXPECT_EQ(FindAccount(store(), id)->role_name, "Ops");
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAccount(id); }).has_value());
  EXPECT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(ops); }).has_value());
}

TEST_P(StoreContract, RoleInUseCountsKeysAndAccounts) {
  const core::RoleId ops = Get<core::RoleId>(
      store(), [](UnitOfWork& uow) { return uow.InsertRole(NewRole("Ops", {})); });
  Insert(store(), NewKey("ops key", ops));
  InsertAccount(store(), NewAccount("one@example.com", ops));
  InsertAccount(store(), NewAccount("two@example.com", ops));
  const auto st = Do(store(), [&](UnitOfWork& uow) { return uow.DeleteRole(ops); });
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kInUse));
  EXPECT_EQ(st.error().args, (std::vector<std::string>{"Ops", "3"}));
}

TEST_P(StoreContract, AccountTokenIsTheAccountSourcedKeyOfThatAccount) {
  const AccountId alice = InsertAccount(store(), NewAccount("alice@example.com"));
  const AccountId bob = InsertAccount(store(), NewAccount("bob@example.com"));
  const AccountId carol = InsertAccount(store(), NewAccount("carol@example.com"));
  ApiKey imported = NewKey("imported, names alice");  // not an account token: wrong source
  imported.source = core::KeySource::kImport;
  imported.account_id = alice;
  Insert(store(), imported);
  ApiKey alice_token = NewKey("alice token", core::kAuditorRoleId);
  alice_token.source = core::KeySource::kAccount;
  alice_token.account_id = alice;
  const core::KeyId alice_token_id = Insert(store(), alice_token);
  ApiKey bob_token = NewKey("bob token");
  bob_token.source = core::KeySource::kAccount;
  bob_token.account_id = bob;
  const core::KeyId bob_token_id = Insert(store(), bob_token);

  auto token_of = [&](AccountId id) {
    return Get<std::optional<ApiKey>>(store(),
                                      [&](UnitOfWork& uow) { return uow.FindAccountToken(id); });
  };
  const auto found = token_of(alice);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, alice_token_id);
  EXPECT_EQ(found->public_id, alice_token.public_id);
  EXPECT_EQ(found->role_name, core::BuiltInRoles()[1].name);
  EXPECT_EQ(token_of(bob)->id, bob_token_id);
  EXPECT_FALSE(token_of(carol).has_value());
  EXPECT_FALSE(token_of(4242).has_value());
  ASSERT_TRUE(
      Do(store(), [&](UnitOfWork& uow) { return uow.DeleteKey(alice_token_id); }).has_value());
  EXPECT_FALSE(token_of(alice).has_value());
}

TEST_P(StoreContract, AccountTokensDoNotShareTheKeyNameNamespace) {
  const AccountId alice = InsertAccount(store(), NewAccount("alice@example.com"));
  const AccountId bob = InsertAccount(store(), NewAccount("bob@example.com"));
  // An ordinary key named like alice's token does not block it ...
  Insert(store(), NewKey("Authentication token of account " + std::to_string(alice)));
  ApiKey alice_token = NewKey("Authentication token of account " + std::to_string(alice));
  alice_token.source = core::KeySource::kAccount;
  alice_token.account_id = alice;
  EXPECT_TRUE(contract::TryInsert(store(), alice_token).has_value());
  // ... and a token does not block an ordinary key of its name.
  ApiKey bob_token = NewKey("Authentication token of account " + std::to_string(bob));
  bob_token.source = core::KeySource::kAccount;
  bob_token.account_id = bob;
  const core::KeyId bob_token_id = Insert(store(), bob_token);
  EXPECT_TRUE(contract::TryInsert(store(), NewKey(bob_token.name)).has_value());
  EXPECT_EQ(List(store(), contract::AtNow()).size(), 4u);
  // A token is found by its own name key, not by its name.
  const auto by_name = Get<std::optional<core::KeyId>>(store(), [&](UnitOfWork& uow) {
    return uow.FindKeyIdByNameKey(core::KeyNameKey(bob_token));
  });
  EXPECT_EQ(by_name, bob_token_id);
  // Two tokens of one account still clash.
  ApiKey second = NewKey("another name");
  second.source = core::KeySource::kAccount;
  second.account_id = bob;
  ExpectError(contract::TryInsert(store(), second), ErrorCode::kAlreadyExists);
}

TEST_P(StoreContract, AccountSuspendedRoundTripsOnKeys) {
  ApiKey token = NewKey("suspended token");
  token.source = core::KeySource::kAccount;
  token.account_id = 7;
  token.account_suspended = true;
  const core::KeyId id = Insert(store(), token);
  EXPECT_TRUE(Find(store(), id)->account_suspended);
  EXPECT_TRUE(Get<std::optional<ApiKey>>(store(), [](UnitOfWork& uow) {
                return uow.FindAccountToken(7);
              })->account_suspended);
  const auto all = Get<std::vector<ApiKey>>(store(), [](UnitOfWork& uow) { return uow.AllKeys(); });
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].account_suspended);

  ApiKey resumed = *Find(store(), id);
  resumed.account_suspended = false;
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(resumed); }).has_value());
  EXPECT_FALSE(Find(store(), id)->account_suspended);
  resumed.account_suspended = true;
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.UpdateKey(resumed); }).has_value());
  EXPECT_TRUE(Find(store(), id)->account_suspended);
  EXPECT_FALSE(Find(store(), Insert(store(), NewKey("plain")))->account_suspended);
}

TEST_P(StoreContract, ListKeysCountsASuspendedTokenAsDisabled) {
  ApiKey suspended = NewKey("suspended");  // its own flag still enabled
  suspended.source = core::KeySource::kAccount;
  suspended.account_id = 1;
  suspended.account_suspended = true;
  Insert(store(), suspended);
  Insert(store(), NewKey("enabled"));
  EXPECT_EQ(Names(List(store(), contract::ByStatus(core::KeyStatus::kDisabled))),
            (std::vector<std::string>{"suspended"}));
  EXPECT_EQ(Names(List(store(), contract::ByStatus(core::KeyStatus::kEnabled))),
            (std::vector<std::string>{"enabled"}));
}

TEST_P(StoreContract, FailedUnitOfWorkLeavesNoAccountBehind) {
  const core::Error refusal = core::MakeError(ErrorCode::kConflict, core::Msg::kPepperMismatch);
  const auto st = Do(store(), [&](UnitOfWork& uow) -> core::Status {
    auto id = uow.InsertAccount(NewAccount("doomed@example.com"));
    if (!id) return id.error();
    core::Session session;
    session.id_hash = "doomed";
    session.account_id = *id;
    session.created_at = session.last_seen_at = kNow;
    KW_RETURN_IF_ERROR(uow.InsertSession(session));
    core::SignInFailures failures;
    failures.failures = 1;
    KW_RETURN_IF_ERROR(uow.PutSignInFailures(*id, "203.0.113.7", failures));
    auto seen = uow.FindAccount(*id);  // a unit of work reads its own writes
    if (!seen || !seen->has_value()) return core::Internal("own write not visible");
    return refusal;
  });
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kConflict));
  EXPECT_TRUE(ListAccounts(store(), Page(50)).empty());
  EXPECT_FALSE(FindByEmail(store(), "doomed@example.com").has_value());
  EXPECT_FALSE(Get<std::optional<core::Session>>(store(), [](UnitOfWork& uow) {
                 return uow.FindSession("doomed");
               }).has_value());
}

}  // namespace
}  // namespace keyward::storage
