// The store contract, API keys continued: the list's time filters (KeyFilter's expires_before,
// last_used_before, secret_rotated_before), with the other filters and with paging, and
// CountKeys. The rest of the key contract is in store_contract.cpp.
#include <optional>
#include <string>
#include <vector>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::AtNow;
using contract::Get;
using contract::Insert;
using contract::kNow;
using contract::List;
using contract::Names;
using contract::NewKey;
using contract::Page;
using core::ApiKey;
using core::UnitOfWork;
using std::chrono::seconds;

// NewKey(name) that expires at `expires_at`, when given.
ApiKey Expiring(std::string name, std::optional<core::Time> expires_at) {
  ApiKey key = NewKey(std::move(name));
  key.expires_at = expires_at;
  return key;
}

core::KeyCounts Count(core::Store& store, const core::KeyCountBounds& bounds) {
  return Get<core::KeyCounts>(store, [&](UnitOfWork& uow) { return uow.CountKeys(bounds); });
}

TEST_P(StoreContract, ListKeysExpiresBeforeIsStrictAndSkipsKeysThatNeverExpire) {
  Insert(store(), Expiring("expired", kNow - seconds{10}));
  Insert(store(), Expiring("soon", kNow + seconds{10}));
  Insert(store(), Expiring("at bound", kNow + seconds{20}));
  Insert(store(), Expiring("later", kNow + seconds{30}));
  Insert(store(), Expiring("never", std::nullopt));
  core::KeyFilter filter = AtNow();
  filter.expires_before = kNow + seconds{20};
  EXPECT_EQ(Names(List(store(), filter)), (std::vector<std::string>{"soon", "expired"}));
}

TEST_P(StoreContract, ListKeysLastUsedBeforeIncludesKeysNeverUsed) {
  ApiKey long_ago = NewKey("used long ago");
  long_ago.last_used_at = kNow - seconds{100};
  ApiKey at_bound = NewKey("used at bound");
  at_bound.last_used_at = kNow - seconds{50};
  ApiKey recent = NewKey("used recently");
  recent.last_used_at = kNow;
  for (const ApiKey* key : {&long_ago, &at_bound, &recent}) Insert(store(), *key);
  Insert(store(), NewKey("never used"));
  core::KeyFilter filter = AtNow();
  filter.last_used_before = kNow - seconds{50};
  EXPECT_EQ(Names(List(store(), filter)),
            (std::vector<std::string>{"never used", "used long ago"}));
}

TEST_P(StoreContract, ListKeysSecretRotatedBeforeCountsNeverRotatedKeysFromCreation) {
  ApiKey created_old = NewKey("created old");  // created at kNow - 1h, never rotated
  ApiKey rotated_old = NewKey("rotated old");
  rotated_old.created_at = kNow - seconds{7200};
  rotated_old.secret_rotated_at = kNow - seconds{5000};
  ApiKey rotated_new = NewKey("rotated new");  // created long ago, rotated recently
  rotated_new.created_at = kNow - seconds{7200};
  rotated_new.secret_rotated_at = kNow - seconds{10};
  ApiKey created_new = NewKey("created new");
  created_new.created_at = kNow - seconds{10};
  for (const ApiKey* key : {&created_old, &rotated_old, &rotated_new, &created_new}) {
    Insert(store(), *key);
  }
  core::KeyFilter filter = AtNow();
  filter.secret_rotated_before = kNow - seconds{3600};  // strict: "created old" is at the bound
  EXPECT_EQ(Names(List(store(), filter)), (std::vector<std::string>{"rotated old"}));
  filter.secret_rotated_before = kNow - seconds{3599};
  EXPECT_EQ(Names(List(store(), filter)), (std::vector<std::string>{"rotated old", "created old"}));
}

TEST_P(StoreContract, ListKeysTimeFiltersCombineWithEachOtherTheOtherFiltersAndPaging) {
  // Ten keys; the even ones expire soon and were never used, the odd ones do neither, and the
  // ones whose number is a multiple of 4 are also disabled.
  for (int i = 0; i < 10; ++i) {
    ApiKey key = NewKey("key " + std::to_string(i));
    if (i % 2 == 0) {
      key.expires_at = kNow + seconds{60};
    } else {
      key.last_used_at = kNow;
    }
    key.enabled = i % 4 != 0;
    Insert(store(), key);
  }
  core::KeyFilter filter = AtNow();
  filter.expires_before = kNow + seconds{120};
  filter.last_used_before = kNow - seconds{1};
  filter.secret_rotated_before = kNow;
  EXPECT_EQ(Names(List(store(), filter)),
            (std::vector<std::string>{"key 8", "key 6", "key 4", "key 2", "key 0"}));
  filter.status = core::KeyStatus::kEnabled;
  filter.q = "KEY";
  const auto page1 = List(store(), filter, Page(1));
  EXPECT_EQ(Names(page1), (std::vector<std::string>{"key 6"}));
  const auto page2 = List(store(), filter, Page(1, page1.back().id));
  EXPECT_EQ(Names(page2), (std::vector<std::string>{"key 2"}));
  EXPECT_TRUE(List(store(), filter, Page(1, page2.back().id)).empty());
  filter.secret_rotated_before = kNow - seconds{3600};  // every key was created at the bound
  EXPECT_TRUE(List(store(), filter).empty());
}

TEST_P(StoreContract, CountKeysOfAnEmptyStoreIsZero) {
  core::KeyCountBounds bounds;
  bounds.now = kNow;
  EXPECT_EQ(Count(store(), bounds), core::KeyCounts{});
}

TEST_P(StoreContract, CountKeysCountsEachStatusAndWindow) {
  ApiKey disabled = NewKey("disabled");  // also expired: disabled comes first
  disabled.enabled = false;
  disabled.expires_at = kNow - seconds{1};
  ApiKey expired = NewKey("expired at now");
  expired.expires_at = kNow;
  ApiKey locked = NewKey("locked");
  locked.locked = true;
  locked.last_used_at = kNow - seconds{100};  // used exactly at the bound: not unused
  ApiKey lock_over = NewKey("lock over");     // enabled again
  lock_over.locked = true;
  lock_over.unlock_at = kNow;
  lock_over.expires_at = kNow + seconds{1000};  // at expires_until: expiring
  lock_over.last_used_at = kNow;
  ApiKey token = NewKey("account token");  // a suspended account's token: disabled
  token.source = core::KeySource::kAccount;
  token.account_id = 7;
  token.account_suspended = true;
  token.expires_at = kNow + seconds{1};  // expiring
  token.last_used_at = kNow - seconds{101};
  ApiKey later = NewKey("expires later");  // past expires_until; rotated recently
  later.expires_at = kNow + seconds{1001};
  later.secret_rotated_at = kNow - seconds{10};
  for (const ApiKey* key : {&disabled, &expired, &locked, &lock_over, &token, &later}) {
    Insert(store(), *key);
  }
  core::KeyCountBounds bounds;
  bounds.now = kNow;
  bounds.expires_until = kNow + seconds{1000};
  bounds.used_before = kNow - seconds{100};
  bounds.secret_issued_before = kNow - seconds{3000};  // every key but "later" is older

  core::KeyCounts want;
  want.disabled = 2;  // disabled, account token
  want.expired = 1;
  want.locked_out = 1;
  want.enabled = 2;       // lock over, expires later
  want.expiring = 2;      // lock over, account token
  want.unused = 4;        // never used: disabled, expired, later; used before: account token
  want.stale_secret = 5;  // created at kNow - 1h and never rotated
  EXPECT_EQ(Count(store(), bounds), want);
}

}  // namespace
}  // namespace keyward::storage
