// The store contract, part 5: the sign-in failures and console sessions of accounts (accounts
// themselves are in store_contract_accounts.cpp).
#include <string>
#include <vector>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::Do;
using contract::ExpectError;
using contract::Get;
using contract::InsertAccount;
using contract::kNow;
using contract::NewAccount;
using core::Account;
using core::AccountId;
using core::ErrorCode;
using core::Session;
using core::SignInFailures;
using core::UnitOfWork;
using std::chrono::seconds;

SignInFailures Failures(int count, std::optional<core::Time> locked_until = std::nullopt) {
  SignInFailures f;
  f.failures = count;
  f.locked_until = locked_until;
  return f;
}

SignInFailures GetFailures(core::Store& store, AccountId id, const std::string& ip) {
  return Get<SignInFailures>(store, [&](UnitOfWork& uow) { return uow.GetSignInFailures(id, ip); });
}

core::Status PutFailures(core::Store& store, AccountId id, const std::string& ip,
                         const SignInFailures& failures) {
  return Do(store, [&](UnitOfWork& uow) { return uow.PutSignInFailures(id, ip, failures); });
}

void ExpectFailures(const SignInFailures& got, int count,
                    std::optional<core::Time> locked_until = std::nullopt) {
  EXPECT_EQ(got.failures, count);
  EXPECT_EQ(got.locked_until, locked_until);
}

std::optional<Account> FindAccount(core::Store& store, AccountId id) {
  return Get<std::optional<Account>>(store, [&](UnitOfWork& uow) { return uow.FindAccount(id); });
}

Session NewSession(std::string id_hash, AccountId account, core::Time created_at = kNow,
                   std::optional<core::Time> last_seen_at = std::nullopt) {
  Session s;
  s.id_hash = std::move(id_hash);
  s.account_id = account;
  s.ip = "198.51.100.23";
  s.created_at = created_at;
  s.last_seen_at = last_seen_at.value_or(created_at);
  return s;
}

core::Status InsertSession(core::Store& store, const Session& session) {
  return Do(store, [&](UnitOfWork& uow) { return uow.InsertSession(session); });
}

std::optional<Session> FindSession(core::Store& store, const std::string& id_hash) {
  return Get<std::optional<Session>>(store,
                                     [&](UnitOfWork& uow) { return uow.FindSession(id_hash); });
}

// Which of `id_hashes` name a session still stored.
std::vector<std::string> Remaining(core::Store& store, const std::vector<std::string>& id_hashes) {
  std::vector<std::string> out;
  for (const std::string& id_hash : id_hashes) {
    if (FindSession(store, id_hash)) out.push_back(id_hash);
  }
  return out;
}

TEST_P(StoreContract, SignInFailuresArePerAccountAndAddress) {
  const AccountId alice = InsertAccount(store(), NewAccount("alice@example.com"));
  const AccountId bob = InsertAccount(store(), NewAccount("bob@example.com"));
  const std::string ip1 = "203.0.113.7";
  const std::string ip2 = "2001:db8::1";
  ExpectFailures(GetFailures(store(), alice, ip1), 0);  // none recorded

  ASSERT_TRUE(PutFailures(store(), alice, ip1, Failures(2)).has_value());
  ASSERT_TRUE(PutFailures(store(), alice, ip2, Failures(5, kNow + seconds{900})).has_value());
  ASSERT_TRUE(PutFailures(store(), bob, ip1, Failures(1)).has_value());
  ExpectFailures(GetFailures(store(), alice, ip1), 2);
  ExpectFailures(GetFailures(store(), alice, ip2), 5, kNow + seconds{900});
  ExpectFailures(GetFailures(store(), bob, ip1), 1);
  ExpectFailures(GetFailures(store(), bob, ip2), 0);

  ASSERT_TRUE(PutFailures(store(), alice, ip1, Failures(3)).has_value());  // replaces
  ExpectFailures(GetFailures(store(), alice, ip1), 3);
  ASSERT_TRUE(PutFailures(store(), alice, ip1, Failures(0)).has_value());  // a sign-in succeeded
  ExpectFailures(GetFailures(store(), alice, ip1), 0);
  ExpectFailures(GetFailures(store(), alice, ip2), 5, kNow + seconds{900});

  ASSERT_TRUE(
      Do(store(), [&](UnitOfWork& uow) { return uow.ClearSignInFailures(alice); }).has_value());
  ExpectFailures(GetFailures(store(), alice, ip1), 0);
  ExpectFailures(GetFailures(store(), alice, ip2), 0);
  ExpectFailures(GetFailures(store(), bob, ip1), 1);
  // Clearing an account with nothing recorded is not an error.
  EXPECT_TRUE(
      Do(store(), [&](UnitOfWork& uow) { return uow.ClearSignInFailures(alice); }).has_value());
}

TEST_P(StoreContract, SignInFailuresOfMissingAccountAreRefused) {
  ExpectError(PutFailures(store(), 4242, "203.0.113.7", Failures(1)), ErrorCode::kNotFound);
  ExpectFailures(GetFailures(store(), 4242, "203.0.113.7"), 0);
}

TEST_P(StoreContract, ReadsFillTheLatestSignInLockOfAnyAddress) {
  const AccountId id = InsertAccount(store(), NewAccount("alice@example.com"));
  InsertAccount(store(), NewAccount("bob@example.com"));
  EXPECT_FALSE(FindAccount(store(), id)->sign_in_locked_until.has_value());
  ASSERT_TRUE(PutFailures(store(), id, "203.0.113.1", Failures(3)).has_value());
  EXPECT_FALSE(FindAccount(store(), id)->sign_in_locked_until.has_value());  // no lock yet

  const core::Time early = kNow + seconds{60};
  const core::Time late = kNow + seconds{900};
  ASSERT_TRUE(PutFailures(store(), id, "203.0.113.2", Failures(5, late)).has_value());
  ASSERT_TRUE(PutFailures(store(), id, "203.0.113.3", Failures(5, early)).has_value());
  EXPECT_EQ(FindAccount(store(), id)->sign_in_locked_until, late);
  EXPECT_TRUE(FindAccount(store(), id)->SignInLockedAt(kNow));
  const auto by_email = Get<std::optional<Account>>(store(), [](UnitOfWork& uow) {
    return uow.FindAccountByEmailKey(core::EmailKey("alice@example.com"));
  });
  EXPECT_EQ(by_email->sign_in_locked_until, late);
  const auto listed = Get<std::vector<Account>>(
      store(), [](UnitOfWork& uow) { return uow.ListAccounts(contract::Page(50)); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_FALSE(listed[0].sign_in_locked_until.has_value());  // bob
  EXPECT_EQ(listed[1].sign_in_locked_until, late);
  const auto with_role = Get<std::vector<Account>>(
      store(), [](UnitOfWork& uow) { return uow.AccountsWithRole(core::kFullAccessRoleId); });
  ASSERT_EQ(with_role.size(), 2u);
  EXPECT_EQ(with_role[0].sign_in_locked_until, late);

  ASSERT_TRUE(PutFailures(store(), id, "203.0.113.2", Failures(0)).has_value());
  EXPECT_EQ(FindAccount(store(), id)->sign_in_locked_until, early);
  ASSERT_TRUE(
      Do(store(), [&](UnitOfWork& uow) { return uow.ClearSignInFailures(id); }).has_value());
  EXPECT_FALSE(FindAccount(store(), id)->sign_in_locked_until.has_value());
}

TEST_P(StoreContract, SessionRoundTripsAndIsTouched) {
  const AccountId id = InsertAccount(store(), NewAccount("alice@example.com"));
  const Session session = NewSession("9f86d081884c7d65", id, kNow - seconds{60});
  ASSERT_TRUE(InsertSession(store(), session).has_value());
  auto got = FindSession(store(), session.id_hash);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id_hash, session.id_hash);
  EXPECT_EQ(got->account_id, id);
  EXPECT_EQ(got->ip, session.ip);
  EXPECT_EQ(got->created_at, session.created_at);
  EXPECT_EQ(got->last_seen_at, session.last_seen_at);
  EXPECT_FALSE(FindSession(store(), "no such session").has_value());

  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.TouchSession(session.id_hash, kNow);
              }).has_value());
  got = FindSession(store(), session.id_hash);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->last_seen_at, kNow);
  EXPECT_EQ(got->created_at, session.created_at);
  EXPECT_TRUE(Do(store(), [](UnitOfWork& uow) {
                return uow.TouchSession("no such session", kNow);
              }).has_value());
  EXPECT_FALSE(FindSession(store(), "no such session").has_value());
}

TEST_P(StoreContract, SessionIdHashIsUnique) {
  const AccountId alice = InsertAccount(store(), NewAccount("alice@example.com"));
  const AccountId bob = InsertAccount(store(), NewAccount("bob@example.com"));
  ASSERT_TRUE(InsertSession(store(), NewSession("same", alice)).has_value());
  ExpectError(InsertSession(store(), NewSession("same", bob)), ErrorCode::kAlreadyExists);
  EXPECT_EQ(FindSession(store(), "same")->account_id, alice);
}

TEST_P(StoreContract, SessionOfMissingAccountIsRefused) {
  ExpectError(InsertSession(store(), NewSession("orphan", 4242)), ErrorCode::kNotFound);
  EXPECT_FALSE(FindSession(store(), "orphan").has_value());
}

TEST_P(StoreContract, DeletedSessionIsGone) {
  const AccountId id = InsertAccount(store(), NewAccount("alice@example.com"));
  ASSERT_TRUE(InsertSession(store(), NewSession("a", id)).has_value());
  ASSERT_TRUE(InsertSession(store(), NewSession("b", id)).has_value());
  ASSERT_TRUE(Do(store(), [](UnitOfWork& uow) { return uow.DeleteSession("a"); }).has_value());
  EXPECT_EQ(Remaining(store(), {"a", "b"}), std::vector<std::string>{"b"});
  EXPECT_TRUE(Do(store(), [](UnitOfWork& uow) { return uow.DeleteSession("a"); }).has_value());
}

TEST_P(StoreContract, DeleteAccountSessionsKeepsOnlyTheOneNamed) {
  const AccountId alice = InsertAccount(store(), NewAccount("alice@example.com"));
  const AccountId bob = InsertAccount(store(), NewAccount("bob@example.com"));
  for (const char* id_hash : {"a1", "a2", "a3"}) {
    ASSERT_TRUE(InsertSession(store(), NewSession(id_hash, alice)).has_value());
  }
  ASSERT_TRUE(InsertSession(store(), NewSession("b1", bob)).has_value());
  const std::vector<std::string> all = {"a1", "a2", "a3", "b1"};

  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.DeleteAccountSessions(alice, "a2");
              }).has_value());
  EXPECT_EQ(Remaining(store(), all), (std::vector<std::string>{"a2", "b1"}));
  // Keeping another account's session keeps nothing of this one's.
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.DeleteAccountSessions(alice, "b1");
              }).has_value());
  EXPECT_EQ(Remaining(store(), all), (std::vector<std::string>{"b1"}));
  ASSERT_TRUE(InsertSession(store(), NewSession("a4", alice)).has_value());
  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.DeleteAccountSessions(alice, "");
              }).has_value());
  EXPECT_EQ(Remaining(store(), {"a4", "b1"}), (std::vector<std::string>{"b1"}));
}

TEST_P(StoreContract, DeleteStaleSessionsCountsWhatItDeletes) {
  const AccountId id = InsertAccount(store(), NewAccount("alice@example.com"));
  const core::Time idle_before = kNow - seconds{1800};
  const core::Time created_before = kNow - seconds{86400};
  // fresh: seen now; idle: last seen before idle_before; old: created before created_before,
  // though seen now; edge: exactly at both bounds, so neither before one nor the other.
  ASSERT_TRUE(InsertSession(store(), NewSession("fresh", id, kNow - seconds{60})).has_value());
  ASSERT_TRUE(
      InsertSession(store(), NewSession("idle", id, kNow - seconds{7200}, idle_before - seconds{1}))
          .has_value());
  ASSERT_TRUE(
      InsertSession(store(), NewSession("old", id, created_before - seconds{1}, kNow)).has_value());
  ASSERT_TRUE(
      InsertSession(store(), NewSession("edge", id, created_before, idle_before)).has_value());

  const int deleted = Get<int>(store(), [&](UnitOfWork& uow) {
    return uow.DeleteStaleSessions(idle_before, created_before);
  });
  EXPECT_EQ(deleted, 2);
  EXPECT_EQ(Remaining(store(), {"fresh", "idle", "old", "edge"}),
            (std::vector<std::string>{"fresh", "edge"}));
  EXPECT_EQ(Get<int>(store(),
                     [&](UnitOfWork& uow) {
                       return uow.DeleteStaleSessions(idle_before, created_before);
                     }),
            0);
}

TEST_P(StoreContract, DeleteAccountTakesItsSessionsAndSignInFailures) {
  const AccountId alice = InsertAccount(store(), NewAccount("alice@example.com"));
  const AccountId bob = InsertAccount(store(), NewAccount("bob@example.com"));
  ASSERT_TRUE(InsertSession(store(), NewSession("a1", alice)).has_value());
  ASSERT_TRUE(InsertSession(store(), NewSession("b1", bob)).has_value());
  ASSERT_TRUE(PutFailures(store(), alice, "203.0.113.7", Failures(5, kNow)).has_value());
  ASSERT_TRUE(PutFailures(store(), bob, "203.0.113.7", Failures(2)).has_value());

  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAccount(alice); }).has_value());
  EXPECT_EQ(Remaining(store(), {"a1", "b1"}), std::vector<std::string>{"b1"});
  ExpectFailures(GetFailures(store(), alice, "203.0.113.7"), 0);
  ExpectFailures(GetFailures(store(), bob, "203.0.113.7"), 2);
  // A new account under the same email starts clean.
  const AccountId again = InsertAccount(store(), NewAccount("alice@example.com"));
  EXPECT_FALSE(FindAccount(store(), again)->sign_in_locked_until.has_value());
}

}  // namespace
}  // namespace keyward::storage
