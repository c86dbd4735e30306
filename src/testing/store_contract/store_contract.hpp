// StoreContract: the behaviour every implementation of core's store port must show, as one
// value-parameterized GoogleTest suite (store_contract.cpp). An implementation runs it with a
// factory that returns a new, empty store for each test:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(StoreFactory(...)));
//
// Thread-safety: a test's store is used by that test only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "core/store/store.hpp"

namespace keyward::storage {

// Returns a new, empty store (built-in roles only); the store owns whatever it needs (e.g. a
// temporary directory) and releases it when destroyed.
using StoreFactory = std::function<std::unique_ptr<core::Store>()>;

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam()();
    ASSERT_NE(store_, nullptr);
  }
  core::Store& store() { return *store_; }

 private:
  std::unique_ptr<core::Store> store_;
};

}  // namespace keyward::storage
