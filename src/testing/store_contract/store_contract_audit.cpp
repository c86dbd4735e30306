// The store contract, part 3: the audit trail's chain columns, queries and retention.
#include <string>
#include <vector>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::Do;
using contract::ExpectError;
using contract::Get;
using contract::kNow;
using core::AuditEvent;
using core::AuditFilter;
using core::ErrorCode;
using core::UnitOfWork;
using std::chrono::seconds;

AuditEvent Event(std::string actor, std::string action, std::string target, seconds offset) {
  AuditEvent e;
  e.time = kNow + offset;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.target = std::move(target);
  e.ip = "198.51.100.4";
  e.outcome = "success";
  e.details_json = "{}";
  return e;
}

std::int64_t Append(core::Store& store, const AuditEvent& e) {
  return Get<std::int64_t>(store, [&](UnitOfWork& uow) { return uow.AppendAudit(e); });
}

std::vector<AuditEvent> All(core::Store& store) {
  return Get<std::vector<AuditEvent>>(store,
                                      [](UnitOfWork& uow) { return uow.ListAudit(0, 1000); });
}

std::vector<AuditEvent> Query(core::Store& store, const AuditFilter& filter, int limit = 50,
                              std::optional<std::int64_t> before = std::nullopt) {
  return Get<std::vector<AuditEvent>>(store, [&](UnitOfWork& uow) {
    return uow.QueryAudit(filter, contract::Page(limit, before));
  });
}

std::vector<std::int64_t> Ids(const std::vector<AuditEvent>& events) {
  std::vector<std::int64_t> out;
  for (const AuditEvent& e : events) out.push_back(e.id);
  return out;
}

TEST_P(StoreContract, AuditChainColumnsAreStoredAndSet) {
  AuditEvent e = Event("system", "apikey.create", "apikey:1", seconds{0});
  e.prev_hash = "prev-as-given";
  e.hash = "hash-as-given";
  const std::int64_t id = Append(store(), e);
  std::vector<AuditEvent> all = All(store());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].prev_hash, "prev-as-given");
  EXPECT_EQ(all[0].hash, "hash-as-given");

  ASSERT_TRUE(Do(store(), [&](UnitOfWork& uow) {
                return uow.SetAuditHash(id, "v1:prev", "v1:hash");
              }).has_value());
  all = All(store());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].prev_hash, "v1:prev");
  EXPECT_EQ(all[0].hash, "v1:hash");
  EXPECT_EQ(all[0].details_json, "{}");
  ExpectError(Do(store(), [&](UnitOfWork& uow) { return uow.SetAuditHash(id + 1, "a", "b"); }),
              ErrorCode::kNotFound);
}

TEST_P(StoreContract, LastAuditIsTheNewestEvent) {
  EXPECT_FALSE(Get<std::optional<AuditEvent>>(store(), [](UnitOfWork& uow) {
                 return uow.LastAudit();
               }).has_value());
  Append(store(), Event("system", "apikey.create", "apikey:1", seconds{5}));
  const std::int64_t newest =
      Append(store(), Event("system", "apikey.delete", "apikey:1", seconds{1}));
  const auto last =
      Get<std::optional<AuditEvent>>(store(), [](UnitOfWork& uow) { return uow.LastAudit(); });
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->id, newest);
  EXPECT_EQ(last->action, "apikey.delete");  // by id, not by time
}

TEST_P(StoreContract, QueryAuditFiltersNewestFirst) {
  const std::int64_t a =
      Append(store(), Event("apikey:1", "apikey.create", "apikey:7", seconds{0}));
  const std::int64_t b =
      Append(store(), Event("apikey:1", "apikey.update", "apikey:7", seconds{10}));
  const std::int64_t c =
      Append(store(), Event("apikey:2", "apikey.update", "apikey:8", seconds{20}));
  const std::int64_t d = Append(store(), Event("system", "auth.lockout", "apikey:7", seconds{30}));

  EXPECT_EQ(Ids(Query(store(), AuditFilter{})), (std::vector<std::int64_t>{d, c, b, a}));
  AuditFilter by_actor;
  by_actor.actor = "apikey:1";
  EXPECT_EQ(Ids(Query(store(), by_actor)), (std::vector<std::int64_t>{b, a}));
  AuditFilter by_action;
  by_action.action = "apikey.update";
  EXPECT_EQ(Ids(Query(store(), by_action)), (std::vector<std::int64_t>{c, b}));
  AuditFilter by_target;
  by_target.target = "apikey:7";
  EXPECT_EQ(Ids(Query(store(), by_target)), (std::vector<std::int64_t>{d, b, a}));
  AuditFilter exact;
  exact.actor = "apikey:";  // exact match, not a prefix
  EXPECT_TRUE(Query(store(), exact).empty());

  AuditFilter window;  // since <= time < until
  window.since = kNow + seconds{10};
  window.until = kNow + seconds{30};
  EXPECT_EQ(Ids(Query(store(), window)), (std::vector<std::int64_t>{c, b}));
  AuditFilter combined = by_target;
  combined.action = "apikey.update";
  combined.since = kNow + seconds{5};
  EXPECT_EQ(Ids(Query(store(), combined)), (std::vector<std::int64_t>{b}));

  EXPECT_EQ(Ids(Query(store(), AuditFilter{}, 2)), (std::vector<std::int64_t>{d, c}));
  EXPECT_EQ(Ids(Query(store(), AuditFilter{}, 2, c)), (std::vector<std::int64_t>{b, a}));
  EXPECT_EQ(Ids(Query(store(), by_target, 1, d)), (std::vector<std::int64_t>{b}));
  EXPECT_TRUE(Query(store(), AuditFilter{}, 0).empty());
  EXPECT_TRUE(Query(store(), AuditFilter{}, 5, a).empty());
}

TEST_P(StoreContract, DeleteAuditThroughRemovesTheFrontAndIdsAreNotReused) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Append(store(), Event("system", "apikey.create", "apikey:1", seconds{i})));
  }
  ASSERT_TRUE(
      Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAuditThrough(ids[2]); }).has_value());
  EXPECT_EQ(Ids(All(store())), (std::vector<std::int64_t>{ids[3], ids[4]}));
  ASSERT_TRUE(Do(store(), [](UnitOfWork& uow) { return uow.DeleteAuditThrough(0); }).has_value());
  EXPECT_EQ(All(store()).size(), 2u);

  ASSERT_TRUE(
      Do(store(), [&](UnitOfWork& uow) { return uow.DeleteAuditThrough(ids[4]); }).has_value());
  EXPECT_TRUE(All(store()).empty());
  EXPECT_FALSE(Get<std::optional<AuditEvent>>(store(), [](UnitOfWork& uow) {
                 return uow.LastAudit();
               }).has_value());
  EXPECT_GT(Append(store(), Event("system", "audit.anchor", "audit", seconds{9})), ids[4]);
}

TEST_P(StoreContract, FailedUnitOfWorkKeepsTheAuditTrail) {
  const std::int64_t id = Append(store(), Event("system", "apikey.create", "apikey:1", seconds{0}));
  const auto st = Do(store(), [&](UnitOfWork& uow) -> core::Status {
    KW_RETURN_IF_ERROR(uow.SetAuditHash(id, "x", "y"));
    KW_RETURN_IF_ERROR(uow.DeleteAuditThrough(id));
    return core::MakeError(ErrorCode::kConflict, core::Msg::kPepperMismatch);
  });
  ASSERT_NO_FATAL_FAILURE(ExpectError(st, ErrorCode::kConflict));
  const std::vector<AuditEvent> all = All(store());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].hash, "");
  EXPECT_EQ(all[0].prev_hash, "");
}

}  // namespace
}  // namespace keyward::storage
