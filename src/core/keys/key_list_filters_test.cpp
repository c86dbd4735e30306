// KeyService's time filters of the key list and its summary (docs/api.md "API keys"), on the
// fixture's ManualClock so every boundary is exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/keys/key_service.hpp"
#include "core/store/paging.hpp"
#include "core/time_zone.hpp"
#include "testing/key_fixture.hpp"

namespace keyward::core {
namespace {

// One fixture class for the whole KeyService suite (see key_service_test.cpp).
using KeyService = testing::KeyFixture;
using std::chrono::days;

const Time kStart{Seconds{testing::kTestEpochSeconds}};

// A key created now by `by`, with `expires_at` when given (RFC 3339 in UTC).
KeyId CreateKey(const core::KeyService& service, const Principal& by, const std::string& name,
                std::optional<Time> expires_at = std::nullopt, bool enabled = true) {
  CreateKeyInput in;
  in.name = name;
  in.role = "Auditor";
  if (expires_at) in.expires_at = FormatTime(*expires_at, "UTC");
  in.enabled = enabled;
  Result<IssuedKey> r = service.Create(by, in);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Message());
  return r ? r->key.id : 0;
}

void SetLastUsed(Store& store, KeyId id, Time at) {
  ASSERT_TRUE(store
                  .Transact([&](UnitOfWork& uow) {
                    return uow.SetLastUsed({KeyUse{id, at, std::nullopt}});
                  })
                  .has_value());
}

std::set<KeyId> ListIds(const core::KeyService& service, const Principal& by,
                        const KeyListInput& input) {
  Result<KeyPage> page = service.List(by, input);
  EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().Message());
  std::set<KeyId> ids;
  if (page) {
    for (const ApiKey& key : page->items) ids.insert(key.id);
  }
  return ids;
}

TEST_F(KeyService, ListExpiresBeforeIsStrictAndSkipsKeysThatNeverExpire) {
  const KeyId soon = CreateKey(service_, master_, "soon", kStart + days{10});
  const KeyId at_bound = CreateKey(service_, master_, "at bound", kStart + days{20});
  CreateKey(service_, master_, "never");
  KeyListInput in;
  in.expires_before = FormatTime(kStart + days{20}, "UTC");
  EXPECT_EQ(ListIds(service_, master_, in), (std::set<KeyId>{soon}));
  in.expires_before = FormatTime(kStart + days{20} + Seconds{1}, "UTC");
  EXPECT_EQ(ListIds(service_, master_, in), (std::set<KeyId>{soon, at_bound}));
}

TEST_F(KeyService, ListLastUsedBeforeIncludesKeysNeverUsed) {
  const KeyId long_ago = CreateKey(service_, master_, "used long ago");
  const KeyId at_bound = CreateKey(service_, master_, "used at the bound");
  const KeyId never = CreateKey(service_, master_, "never used");
  SetLastUsed(store_, long_ago, kStart + Seconds{10});
  SetLastUsed(store_, at_bound, kStart + Seconds{20});
  SetLastUsed(store_, master_id_, kStart + Seconds{30});
  KeyListInput in;
  in.last_used_before = FormatTime(kStart + Seconds{20}, "UTC");
  EXPECT_EQ(ListIds(service_, master_, in), (std::set<KeyId>{long_ago, never}));
}

TEST_F(KeyService, ListSecretRotatedBeforeCountsNeverRotatedKeysFromCreation) {
  const KeyId old = CreateKey(service_, master_, "old, never rotated");
  const KeyId rotated = CreateKey(service_, master_, "old, rotated later");
  clock_.Advance(days{1});
  ASSERT_TRUE(service_.Rotate(master_, rotated, 0).has_value());
  const KeyId young = CreateKey(service_, master_, "young");
  KeyListInput in;
  in.secret_rotated_before = FormatTime(kStart + Seconds{1}, "UTC");
  EXPECT_EQ(ListIds(service_, master_, in), (std::set<KeyId>{master_id_, old}));
  in.secret_rotated_before = FormatTime(kStart + days{1} + Seconds{1}, "UTC");
  EXPECT_EQ(ListIds(service_, master_, in), (std::set<KeyId>{master_id_, old, rotated, young}));
}

TEST_F(KeyService, ListTimeFiltersReadLocalTimesInTheCallersZone) {
  CreateKeyInput tokyo;
  tokyo.name = "tokyo caller";
  tokyo.role = "Full Access";
  tokyo.time_zone = "Asia/Tokyo";
  const Principal caller = As(service_.Create(master_, tokyo).value().token);
  // kStart is 2027-01-15T08:00:00Z, 17:00 in Tokyo.
  const KeyId key = CreateKey(service_, master_, "expires at start + 1h", kStart + Seconds{3600});
  KeyListInput in;
  in.expires_before = "2027-01-15T18:00:01";
  EXPECT_EQ(ListIds(service_, caller, in), (std::set<KeyId>{key}));
  in.expires_before = "2027-01-15T18:00:00";
  EXPECT_TRUE(ListIds(service_, caller, in).empty());
}

TEST_F(KeyService, ListBadTimeIsInvalidArgumentNamingTheParameter) {
  const std::vector<std::pair<std::optional<std::string> KeyListInput::*, std::string>> params = {
      {&KeyListInput::expires_before, "expiresBefore"},
      {&KeyListInput::last_used_before, "lastUsedBefore"},
      {&KeyListInput::secret_rotated_before, "secretRotatedBefore"},
  };
  for (const auto& [member, field] : params) {
    for (const char* bad : {"yesterday", "1969-12-31T23:59:59Z", ""}) {
      KeyListInput in;
      in.*member = bad;
      Result<KeyPage> page = service_.List(master_, in);
      ASSERT_FALSE(page.has_value()) << field << "=" << bad;
      EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(page.error().field, field);
    }
  }
}

TEST_F(KeyService, ListTimeFiltersCombineWithStatusAndPages) {
  std::vector<KeyId> matching;
  for (int i = 0; i < 5; ++i) {
    matching.push_back(
        CreateKey(service_, master_, "match " + std::to_string(i), kStart + days{1}));
    CreateKey(service_, master_, "far " + std::to_string(i), kStart + days{100});
    CreateKey(service_, master_, "off " + std::to_string(i), kStart + days{1}, /*enabled=*/false);
  }
  KeyListInput in;
  in.expires_before = FormatTime(kStart + days{2}, "UTC");
  in.status = "enabled";
  in.limit = "2";
  std::vector<KeyId> seen;
  for (int pages = 0; pages < 10; ++pages) {
    KeyPage page = service_.List(master_, in).value();
    for (const ApiKey& key : page.items) seen.push_back(key.id);
    if (!page.next_cursor) break;
    in.cursor = page.next_cursor;
  }
  std::reverse(matching.begin(), matching.end());  // newest first
  EXPECT_EQ(seen, matching);
}

TEST_F(KeyService, SummaryCountsEveryKeyAtTheServiceClock) {
  const KeyId old = CreateKey(service_, master_, "old");
  CreateKey(service_, master_, "short", kStart + days{1});
  const KeyId rotated = CreateKey(service_, master_, "rotated");
  clock_.Advance(days{91});
  const Time now = clock_.Now();
  ASSERT_TRUE(service_.Rotate(master_, rotated, 0).has_value());
  ASSERT_TRUE(service_.Lock(master_, rotated).has_value());
  CreateKey(service_, master_, "expiring at the bound", now + days{30});
  CreateKey(service_, master_, "expiring just after", now + days{30} + Seconds{1});
  CreateKey(service_, master_, "disabled", std::nullopt, /*enabled=*/false);
  SetLastUsed(store_, master_id_, now);
  SetLastUsed(store_, old, kStart);

  KeyCounts want;
  want.enabled = 4;  // admin, old, both expiring
  want.disabled = 1;
  want.expired = 1;       // short
  want.locked_out = 1;    // rotated
  want.expiring = 1;      // (now, now + 30 days]
  want.unused = 6;        // every key but the admin, used just now
  want.stale_secret = 3;  // admin, old, short: created 91 days ago, never rotated
  EXPECT_EQ(service_.Summary(master_).value(), want);

  // A second later the other key is within 30 days too: the count follows the clock.
  clock_.Advance(Seconds{1});
  want.expiring = 2;
  EXPECT_EQ(service_.Summary(master_).value(), want);
}

TEST_F(KeyService, SummaryNeedsApiKeysView) {
  Principal verifier_only;
  verifier_only.permissions = PermissionSet::Of({std::string(perm::kKeysVerify)});
  Result<KeyCounts> counts = service_.Summary(verifier_only);
  ASSERT_FALSE(counts.has_value());
  EXPECT_EQ(counts.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(KeyService, ListAllAnswersEveryKeyNewestFirstPastOnePage) {
  // The bootstrap key of the fixture, plus more than one of the store's pages.
  for (int i = 0; i < kMaxListLimit + 2; ++i)
    CreateKey(service_, master_, "key " + std::to_string(i));
  Result<std::vector<ApiKey>> all = service_.ListAll(master_);
  ASSERT_TRUE(all.has_value()) << all.error().Message();
  const Result<KeyCounts> counts = service_.Summary(master_);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(static_cast<std::int64_t>(all->size()),
            counts->disabled + counts->expired + counts->locked_out + counts->enabled);
  EXPECT_GT(all->size(), static_cast<std::size_t>(kMaxListLimit));
  EXPECT_TRUE(std::is_sorted(all->begin(), all->end(),
                             [](const ApiKey& a, const ApiKey& b) { return a.id > b.id; }));
  Result<std::vector<ApiKey>> denied = service_.ListAll(Principal());
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace keyward::core
