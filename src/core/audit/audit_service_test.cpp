#include "core/audit/audit_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "testing/audit_fixture.hpp"

namespace keyward::core {
namespace {

// A Store that counts its units of work and, once told to, fails every new one as an outage
// would, without ever waiting on the store it wraps.
class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}
  Status Transact(const std::function<Status(UnitOfWork&)>& fn) override {
    transactions.fetch_add(1);
    if (fail.load()) return Unavailable("counting store: failing on request");
    return inner_.Transact(fn);
  }
  std::atomic<int> transactions{0};
  std::atomic<bool> fail{false};

 private:
  Store& inner_;
};

// An input with one field set.
AuditListInput Input(std::optional<std::string> AuditListInput::*field, std::string value) {
  AuditListInput in;
  in.*field = std::move(value);
  return in;
}

class AuditService : public testing::AuditFixture {
 protected:
  AuditService() : audit_(chain_, hasher_.peppers()) {}

  static Principal With(PermissionSet permissions, std::string zone = "UTC") {
    Principal p;
    p.actor = "apikey:99";
    p.permissions = std::move(permissions);
    p.time_zone = std::move(zone);
    return p;
  }

  // Appends `count` chained events "test.bulk" in one unit of work.
  void AppendBulk(int count) {
    ASSERT_TRUE(chain_.Transact([&](UnitOfWork& uow) -> Status {
      for (int i = 0; i < count; ++i) {
        AuditEvent e;
        e.time = clock_.Now();
        e.actor = "system";
        e.action = "test.bulk";
        e.target = "item:" + std::to_string(i);
        e.outcome = "success";
        e.details_json = "{}";
        KW_RETURN_IF_ERROR(uow.AppendAudit(e));
      }
      return Ok();
    }));
  }

  std::vector<AuditEvent> ExportAll(const AuditListInput& filters) {
    std::vector<AuditEvent> out;
    const Status st = audit_.Export(master_, filters, [&](const AuditEvent& e) {
      out.push_back(e);
      return Ok();
    });
    EXPECT_TRUE(st) << (st ? "" : st.error().Message());
    return out;
  }

  core::AuditService audit_;
};

TEST_F(AuditService, ListIsNewestFirstAndPagesWithACursor) {
  for (int i = 0; i < 4; ++i) Issue("key " + std::to_string(i));
  const std::vector<AuditEvent> trail = Trail();
  ASSERT_EQ(trail.size(), 5u);  // the bootstrap key and four creates
  AuditListInput in;
  in.limit = "2";
  std::vector<std::int64_t> ids;
  for (int pages = 0; pages < 10; ++pages) {
    Result<AuditPage> page = audit_.List(master_, in);
    ASSERT_TRUE(page.has_value()) << page.error().Message();
    EXPECT_LE(page->items.size(), 2u);
    for (const AuditEvent& e : page->items) ids.push_back(e.id);
    if (!page->next_cursor) break;
    in.cursor = page->next_cursor;
  }
  std::vector<std::int64_t> expected;
  for (auto it = trail.rbegin(); it != trail.rend(); ++it) expected.push_back(it->id);
  EXPECT_EQ(ids, expected);
}

TEST_F(AuditService, ListReturnsHashesAndDetailsAsStored) {
  Issue("reader");
  Result<AuditPage> page = audit_.List(master_, {});
  ASSERT_TRUE(page.has_value());
  ASSERT_FALSE(page->items.empty());
  const AuditEvent& newest = page->items.front();
  EXPECT_EQ(newest.action, "apikey.create");
  EXPECT_EQ(newest.actor, master_.actor);
  EXPECT_NE(newest.details_json.find("\"reader\""), std::string::npos);
  EXPECT_EQ(newest.hash, Trail().back().hash);
  EXPECT_FALSE(page->next_cursor.has_value());
  ExpectNoSecretIn(page->items);
}

TEST_F(AuditService, ListFiltersByActionActorAndTarget) {
  const IssuedKey a = Issue("a");
  Issue("b");
  Rotate(a.key.id);
  AuditListInput in;
  in.action = "apikey.rotate";
  Result<AuditPage> rotated = audit_.List(master_, in);
  ASSERT_TRUE(rotated.has_value());
  ASSERT_EQ(rotated->items.size(), 1u);
  EXPECT_EQ(rotated->items[0].target, "apikey:" + std::to_string(a.key.id));

  AuditListInput by_target;
  by_target.target = "apikey:" + std::to_string(a.key.id);
  Result<AuditPage> on_a = audit_.List(master_, by_target);
  ASSERT_TRUE(on_a.has_value());
  ASSERT_EQ(on_a->items.size(), 2u);
  EXPECT_EQ(on_a->items[0].action, "apikey.rotate");
  EXPECT_EQ(on_a->items[1].action, "apikey.create");

  AuditListInput by_actor;
  by_actor.actor = "system";
  Result<AuditPage> system = audit_.List(master_, by_actor);
  ASSERT_TRUE(system.has_value());
  ASSERT_EQ(system->items.size(), 1u);  // the bootstrap key
  EXPECT_EQ(system->items[0].action, "apikey.create");
}

TEST_F(AuditService, SinceAndUntilWithoutOffsetAreReadInTheCallersZone) {
  Issue("at 08:00Z");  // 17:00 in Tokyo
  clock_.Advance(Seconds{3600});
  Issue("at 09:00Z");  // 18:00 in Tokyo
  AuditListInput in;
  in.since = "2027-01-15T17:30:00";
  Result<AuditPage> tokyo = audit_.List(With(PermissionSet::Views(), "Asia/Tokyo"), in);
  ASSERT_TRUE(tokyo.has_value()) << tokyo.error().Message();
  ASSERT_EQ(tokyo->items.size(), 1u);
  EXPECT_NE(tokyo->items[0].details_json.find("at 09:00Z"), std::string::npos);

  Result<AuditPage> utc = audit_.List(With(PermissionSet::Views()), in);
  ASSERT_TRUE(utc.has_value());
  EXPECT_TRUE(utc->items.empty());

  AuditListInput until;
  until.until = "2027-01-15T09:00:00Z";  // exclusive
  until.since = "2027-01-15T08:00:00Z";  // inclusive
  Result<AuditPage> first = audit_.List(master_, until);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->items.size(), 2u);  // the bootstrap key and "at 08:00Z"
  EXPECT_NE(first->items[0].details_json.find("at 08:00Z"), std::string::npos);
}

TEST_F(AuditService, BadFiltersNameTheirField) {
  const auto field_of = [&](AuditListInput in) {
    Result<AuditPage> r = audit_.List(master_, in);
    EXPECT_FALSE(r.has_value());
    if (r) return std::string("(no error)");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    return r.error().field;
  };
  EXPECT_EQ(field_of(Input(&AuditListInput::since, "yesterday")), "since");
  EXPECT_EQ(field_of(Input(&AuditListInput::until, "2027-13-01T00:00:00Z")), "until");
  // 02:30 does not exist in New York on 2027-03-14 (clocks skip from 02:00 to 03:00).
  Result<AuditPage> gap = audit_.List(With(PermissionSet::All(), "America/New_York"),
                                      Input(&AuditListInput::since, "2027-03-14T02:30:00"));
  ASSERT_FALSE(gap.has_value());
  EXPECT_EQ(gap.error().field, "since");
  EXPECT_EQ(field_of(Input(&AuditListInput::limit, "0")), "limit");
  EXPECT_EQ(field_of(Input(&AuditListInput::limit, "501")), "limit");
  EXPECT_EQ(field_of(Input(&AuditListInput::limit, "ten")), "limit");
  EXPECT_EQ(field_of(Input(&AuditListInput::cursor, "not-a-cursor")), "cursor");
  Result<AuditPage> max = audit_.List(master_, Input(&AuditListInput::limit, "500"));
  EXPECT_TRUE(max.has_value());
}

TEST_F(AuditService, EveryCallNeedsAuditView) {
  const Principal no_audit = With(PermissionSet::Of({"apikeys:view", "apikeys:create"}));
  Result<AuditPage> list = audit_.List(no_audit, {});
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().code, ErrorCode::kPermissionDenied);
  Result<AuditVerification> verify = audit_.Verify(no_audit);
  ASSERT_FALSE(verify.has_value());
  EXPECT_EQ(verify.error().code, ErrorCode::kPermissionDenied);
  int calls = 0;
  const Status exported = audit_.Export(no_audit, {}, [&](const AuditEvent&) {
    ++calls;
    return Ok();
  });
  ASSERT_FALSE(exported);
  EXPECT_EQ(exported.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(calls, 0);

  for (const PermissionSet& allowed :
       {PermissionSet::Views(), PermissionSet::AllButTokens(), PermissionSet::Of({"audit:view"})}) {
    EXPECT_TRUE(audit_.List(With(allowed), {}).has_value());
    EXPECT_TRUE(audit_.Verify(With(allowed)).has_value());
  }
}

TEST_F(AuditService, ExportIsOldestFirstAcrossPagesAndAppliesTheFilters) {
  Issue("first");
  AppendBulk(kAuditExportPageSize * 2 + 7);
  Issue("last");
  const std::vector<AuditEvent> trail = Trail();
  const std::vector<AuditEvent> all = ExportAll({});
  ASSERT_EQ(all.size(), trail.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].id, trail[i].id);

  const std::vector<AuditEvent> creates =
      ExportAll(Input(&AuditListInput::action, "apikey.create"));
  ASSERT_EQ(creates.size(), 3u);
  EXPECT_NE(creates[1].details_json.find("\"first\""), std::string::npos);
  EXPECT_NE(creates[2].details_json.find("\"last\""), std::string::npos);
  EXPECT_TRUE(ExportAll(Input(&AuditListInput::target, "item:none")).empty());
  EXPECT_EQ(ExportAll(Input(&AuditListInput::target, "item:3")).size(), 1u);
}

TEST_F(AuditService, ExportReadsOnePageAtATimeAndDeliversEachBeforeTheNext) {
  AppendBulk(kAuditExportPageSize * 3);
  CountingStore counting(chain_);
  const core::AuditService audit(counting, hasher_.peppers());
  int delivered = 0;
  const Status st = audit.Export(master_, {}, [&](const AuditEvent&) {
    // From the first event on, the store is gone: only what was read before arrives.
    counting.fail.store(true);
    ++delivered;
    return Ok();
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(delivered, kAuditExportPageSize);
}

TEST_F(AuditService, ExportStepsReturnAtMostOnePageAndEndAtTheStartingHead) {
  AppendBulk(kAuditExportPageSize + 10);
  Result<AuditExport> exporter = audit_.StartExport(master_, {});
  ASSERT_TRUE(exporter.has_value());
  Issue("after the start");  // not part of this export
  std::size_t total = 0;
  int steps = 0;
  while (!exporter->done()) {
    Result<std::vector<AuditEvent>> step = exporter->Next();
    ASSERT_TRUE(step.has_value());
    EXPECT_LE(step->size(), static_cast<std::size_t>(kAuditExportPageSize));
    total += step->size();
    ASSERT_LT(++steps, 10);
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kAuditExportPageSize) + 11);  // + the bootstrap
  EXPECT_EQ(Trail().size(), total + 1);
}

TEST_F(AuditService, ExportStopsAtTheFirstErrorOfEach) {
  Issue("a");
  Issue("b");
  int calls = 0;
  const Status st = audit_.Export(master_, {}, [&](const AuditEvent&) -> Status {
    ++calls;
    return Internal("sink full");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  EXPECT_EQ(calls, 1);
}

TEST_F(AuditService, ExportChecksItsFiltersBeforeReading) {
  Result<AuditExport> bad = audit_.StartExport(master_, Input(&AuditListInput::until, "soon"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "until");
}

TEST_F(AuditService, VerifyCountsTheChainAndNamesTheFirstBrokenEvent) {
  Issue("a");
  Issue("b");
  Result<AuditVerification> ok = audit_.Verify(master_);
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->events, 3);

  const std::vector<AuditEvent> trail = Trail();
  const AuditEvent& victim = trail[1];
  ASSERT_TRUE(store_.Transact([&](UnitOfWork& uow) {
    return uow.SetAuditHash(victim.id, victim.prev_hash, "v1:" + std::string(64, '0'));
  }));
  Result<AuditVerification> broken = audit_.Verify(master_);
  ASSERT_TRUE(broken.has_value());
  EXPECT_FALSE(broken->ok);
  EXPECT_EQ(broken->first_broken_id, victim.id);
  EXPECT_FALSE(broken->reason.empty());
}

}  // namespace
}  // namespace keyward::core
