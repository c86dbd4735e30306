// The store contract, pepper versions: CountPepperUse and KeysUsingPepper (keyward pepper status
// and retire), over keys' digests, previous digests in and out of their grace period, accounts'
// tokens and the audit trail's hashes.
#include <string>
#include <vector>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::Digest;
using contract::Get;
using contract::Insert;
using contract::InsertAccount;
using contract::kNow;
using contract::NewAccount;
using contract::NewKey;
using core::ApiKey;
using core::PepperVersionUse;
using core::UnitOfWork;
using std::chrono::seconds;

ApiKey UnderVersion(std::string name, std::uint32_t version) {
  ApiKey key = NewKey(std::move(name));
  key.digest = Digest(version, 9);
  return key;
}

// A key under version 2 whose previous secret is under version 1, its grace ending at `until`.
ApiKey InGrace(std::string name, core::Time until) {
  ApiKey key = UnderVersion(std::move(name), 2);
  key.previous_digest = Digest(1, 3);
  key.previous_digest_until = until;
  return key;
}

PepperVersionUse Use(core::Store& store, std::uint32_t version) {
  return Get<PepperVersionUse>(store,
                               [&](UnitOfWork& uow) { return uow.CountPepperUse(version, kNow); });
}

std::vector<std::string> Using(core::Store& store, std::uint32_t version) {
  const std::vector<ApiKey> keys = Get<std::vector<ApiKey>>(
      store, [&](UnitOfWork& uow) { return uow.KeysUsingPepper(version, kNow); });
  std::vector<std::string> names;
  for (const ApiKey& key : keys) names.push_back(key.name);
  return names;
}

void AppendHashed(core::Store& store, const std::string& hash) {
  ASSERT_TRUE(store
                  .Transact([&](UnitOfWork& uow) -> core::Status {
                    core::AuditEvent e;
                    e.time = kNow;
                    e.actor = "system";
                    e.action = "test.event";
                    e.target = "test";
                    e.outcome = "success";
                    e.details_json = "{}";
                    KW_ASSIGN_OR_RETURN(const std::int64_t id, uow.AppendAudit(e));
                    if (hash.empty()) return core::Ok();
                    return uow.SetAuditHash(id, "prev", hash);
                  })
                  .has_value());
}

// Keys under 1, 2 and 12 (whose hash prefix "v12:" must not count as "v1:"), an account's token
// under 1, previous secrets under 1 in and past their grace, and events chained under each.
void Populate(core::Store& store) {
  Insert(store, UnderVersion("one", 1));
  Insert(store, UnderVersion("two", 2));
  ApiKey token = UnderVersion("token", 1);
  token.source = core::KeySource::kAccount;
  token.account_id = InsertAccount(store, NewAccount("token@example.com"));
  Insert(store, token);
  Insert(store, InGrace("grace running", kNow + seconds{60}));
  Insert(store, InGrace("grace over", kNow));
  Insert(store, UnderVersion("twelve", 12));
  for (const char* hash : {"v1:aa", "v2:bb", "v1:cc", "v12:dd", ""}) AppendHashed(store, hash);
}

TEST_P(StoreContract, CountPepperUseCountsDigestsTokensGraceAndEventsOfOneVersion) {
  Populate(store());
  EXPECT_EQ(
      Use(store(), 1),
      (PepperVersionUse{.keys = 2, .account_tokens = 1, .previous_secrets = 1, .audit_events = 2}));
  EXPECT_EQ(Use(store(), 2), (PepperVersionUse{.keys = 3, .audit_events = 1}));
  EXPECT_EQ(Use(store(), 12), (PepperVersionUse{.keys = 1, .audit_events = 1}));
  EXPECT_EQ(Use(store(), 3), PepperVersionUse{});
}

TEST_P(StoreContract, KeysUsingPepperListsDigestsAndRunningGraceInIdOrder) {
  Populate(store());
  EXPECT_EQ(Using(store(), 1), (std::vector<std::string>{"one", "token", "grace running"}));
  EXPECT_EQ(Using(store(), 2), (std::vector<std::string>{"two", "grace running", "grace over"}));
  EXPECT_EQ(Using(store(), 12), (std::vector<std::string>{"twelve"}));
  EXPECT_TRUE(Using(store(), 3).empty());
}

}  // namespace
}  // namespace keyward::storage
