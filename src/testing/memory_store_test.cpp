#include "testing/memory_store.hpp"

#include <gtest/gtest.h>

#include "testing/store_contract/store_contract.hpp"
#include "testing/store_contract/store_contract_helpers.hpp"

namespace keyward::storage {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, StoreContract, ::testing::Values(StoreFactory([] {
                           return std::unique_ptr<core::Store>(std::make_unique<MemoryStore>());
                         })));

TEST(MemoryStore, FailNextCommitKeepsNothingAndOnlyOnce) {
  MemoryStore store;
  store.FailNextCommit();
  const auto st = contract::TryInsert(store, contract::NewKey("lost"));
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, core::ErrorCode::kUnavailable);
  EXPECT_TRUE(contract::List(store, contract::AtNow()).empty());
  EXPECT_TRUE(contract::TryInsert(store, contract::NewKey("kept")).has_value());
  EXPECT_EQ(contract::List(store, contract::AtNow()).size(), 1u);
}

TEST(MemoryStore, FailedFunctionDoesNotUseUpTheCommitFailure) {
  MemoryStore store;
  store.FailNextCommit();
  const auto refused = store.Transact(
      [](core::UnitOfWork&) -> core::Status { return core::Internal("refused by the caller"); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kInternal);
  const auto st = contract::TryInsert(store, contract::NewKey("lost"));
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, core::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace keyward::storage
