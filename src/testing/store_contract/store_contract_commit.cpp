// The store contract, part 3: commits seen from many writers at once. Store::TransactThen's hook
// runs after each committed unit of work, in commit order, before its caller returns, and never
// for one that failed; a unit of work that fails among concurrent ones (SqliteStore commits them
// together) undoes only its own work and gets only its own error.
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

using contract::AtNow;
using contract::Get;
using contract::List;
using contract::NewKey;
using contract::Page;
using core::ErrorCode;
using core::KeyId;
using core::UnitOfWork;

constexpr int kWriters = 12;
constexpr int kUnitsEach = 15;

// Unit `i` of writer `t` fails (after writing) when this holds: one in three.
bool Refused(int t, int i) { return (t + i) % 3 == 0; }

std::string NameOf(int t, int i) { return "w" + std::to_string(t) + "-" + std::to_string(i); }

core::Error RefusalOf(const std::string& name) {
  return core::MakeError(ErrorCode::kConflict, core::Msg::kPepperMismatch, {name});
}

// Keys made before the threads start (NextPublicId is not thread-safe).
std::vector<std::vector<core::ApiKey>> KeysToWrite() {
  std::vector<std::vector<core::ApiKey>> keys(kWriters);
  for (int t = 0; t < kWriters; ++t) {
    for (int i = 0; i < kUnitsEach; ++i) keys[t].push_back(NewKey(NameOf(t, i)));
  }
  return keys;
}

TEST_P(StoreContract, CommitHooksRunInCommitOrderAndOnlyForCommittedUnits) {
  const std::vector<std::vector<core::ApiKey>> keys = KeysToWrite();
  std::mutex mu;
  std::vector<KeyId> hooked;  // ids, in the order their hooks ran; guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUnitsEach; ++i) {
        KeyId id = 0;
        bool hook_ran = false;
        const core::Status st = store().TransactThen(
            [&](UnitOfWork& uow) -> core::Status {
              auto inserted = uow.InsertKey(keys[t][i]);
              if (!inserted) return inserted.error();
              id = *inserted;
              return Refused(t, i) ? core::Status(RefusalOf(NameOf(t, i))) : core::Ok();
            },
            [&] {
              hook_ran = true;
              std::lock_guard lock(mu);
              hooked.push_back(id);
            });
        EXPECT_EQ(st.has_value(), !Refused(t, i)) << NameOf(t, i);
        EXPECT_EQ(hook_ran, !Refused(t, i)) << NameOf(t, i);  // and before Transact returned
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  // Ids are given in commit order, so hooks in commit order see them ascending.
  ASSERT_FALSE(hooked.empty());
  for (std::size_t k = 1; k < hooked.size(); ++k) {
    EXPECT_LT(hooked[k - 1], hooked[k]) << "hook " << k << " ran out of commit order";
  }
  // Exactly the committed units' keys are stored.
  std::vector<KeyId> stored;
  for (const core::ApiKey& key : List(store(), AtNow(), Page(1000))) stored.push_back(key.id);
  std::sort(stored.begin(), stored.end());
  EXPECT_EQ(stored, hooked);
}

TEST_P(StoreContract, AFailingUnitAmongConcurrentOnesUndoesOnlyItsOwnWork) {
  const std::vector<std::vector<core::ApiKey>> keys = KeysToWrite();
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUnitsEach; ++i) {
        const std::string name = NameOf(t, i);
        const core::Status st = store().Transact([&](UnitOfWork& uow) -> core::Status {
          auto inserted = uow.InsertKey(keys[t][i]);
          if (!inserted) return inserted.error();
          KW_RETURN_IF_ERROR(uow.SetMeta(name, "written"));
          core::AuditEvent event;
          event.time = contract::kNow;
          event.actor = "test";
          event.action = "apikey.create";
          event.target = name;
          event.outcome = "success";
          auto appended = uow.AppendAudit(event);
          if (!appended) return appended.error();
          return Refused(t, i) ? core::Status(RefusalOf(name)) : core::Ok();
        });
        if (Refused(t, i)) {
          // Its own error, not another unit's.
          ASSERT_FALSE(st.has_value()) << name;
          EXPECT_EQ(st.error().code, ErrorCode::kConflict);
          EXPECT_EQ(st.error().args, std::vector<std::string>{name});
        } else {
          EXPECT_TRUE(st.has_value()) << name << ": " << st.error().Message();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<std::string> stored;
  for (const core::ApiKey& key : List(store(), AtNow(), Page(1000))) stored.push_back(key.name);
  const auto audit = Get<std::vector<core::AuditEvent>>(
      store(), [](UnitOfWork& uow) { return uow.ListAudit(0, 10000); });
  std::vector<std::string> audited;
  for (const core::AuditEvent& e : audit) audited.push_back(e.target);
  std::sort(stored.begin(), stored.end());
  std::sort(audited.begin(), audited.end());
  std::vector<std::string> committed;
  for (int t = 0; t < kWriters; ++t) {
    for (int i = 0; i < kUnitsEach; ++i) {
      const std::string name = NameOf(t, i);
      if (!Refused(t, i)) committed.push_back(name);
      const auto meta = Get<std::optional<std::string>>(
          store(), [&](UnitOfWork& uow) { return uow.GetMeta(name); });
      EXPECT_EQ(meta.has_value(), !Refused(t, i)) << name;
    }
  }
  std::sort(committed.begin(), committed.end());
  EXPECT_EQ(stored, committed);
  EXPECT_EQ(audited, committed);
}

}  // namespace
}  // namespace keyward::storage
