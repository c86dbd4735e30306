#include "core/store/pepper_guard.hpp"

#include <gtest/gtest.h>

#include <string>

#include "testing/memory_store.hpp"

namespace keyward::core {
namespace {

// 32 bytes of 'a', 'b' and 'c', base64.
constexpr const char* kPepperA = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
constexpr const char* kPepperB = "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmI=";
constexpr const char* kPepperC = "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2M=";

PepperSet Peppers(const std::string& file) {
  auto parsed = PepperSet::Parse(file);
  EXPECT_TRUE(parsed.has_value()) << file;
  return std::move(parsed).value();
}

std::string Line(int version, const char* pepper) {
  return std::to_string(version) + " " + pepper + "\n";
}

Status Check(Store& store, const PepperSet& peppers) {
  return store.Transact([&](UnitOfWork& uow) { return CheckAndRecordPepper(uow, peppers); });
}

std::optional<std::string> Meta(Store& store, const std::string& key) {
  auto value = TransactValue<std::optional<std::string>>(
      store, [&](UnitOfWork& uow) { return uow.GetMeta(key); });
  EXPECT_TRUE(value.has_value());
  return value ? *value : std::nullopt;
}

void ExpectMismatch(const Status& st) {
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(st.error().msg, Msg::kPepperMismatch);
}

TEST(PepperGuard, FirstStartRecordsEveryVersion) {
  storage::MemoryStore store;
  const PepperSet peppers = Peppers(Line(1, kPepperA) + Line(2, kPepperB));
  ASSERT_TRUE(Check(store, peppers).has_value());
  EXPECT_EQ(Meta(store, "pepper.fingerprint.1"), peppers.Fingerprint(1));
  EXPECT_EQ(Meta(store, "pepper.fingerprint.2"), peppers.Fingerprint(2));
  EXPECT_EQ(Meta(store, "pepper.versions"), "1,2");
}

TEST(PepperGuard, SamePepperIsAcceptedAgain) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA))).has_value());
  EXPECT_TRUE(Check(store, Peppers(Line(1, kPepperA))).has_value());
}

TEST(PepperGuard, DifferentPepperUnderAKnownVersionIsRefused) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA))).has_value());
  ExpectMismatch(Check(store, Peppers(Line(1, kPepperB))));
}

TEST(PepperGuard, OneWrongVersionAmongRightOnesIsRefused) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA) + Line(2, kPepperB))).has_value());
  ExpectMismatch(Check(store, Peppers(Line(1, kPepperA) + Line(2, kPepperC))));
}

TEST(PepperGuard, NoKnownVersionIsRefusedAndNothingRecorded) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA))).has_value());
  ExpectMismatch(Check(store, Peppers(Line(2, kPepperB))));
  EXPECT_EQ(Meta(store, "pepper.fingerprint.2"), std::nullopt);
  EXPECT_EQ(Meta(store, "pepper.versions"), "1");
}

TEST(PepperGuard, RotationRecordsTheNewVersion) {
  storage::MemoryStore store;
  const PepperSet v1 = Peppers(Line(1, kPepperA));
  const PepperSet v1_and_v2 = Peppers(Line(1, kPepperA) + Line(2, kPepperB));
  ASSERT_TRUE(Check(store, v1).has_value());
  ASSERT_TRUE(Check(store, v1_and_v2).has_value());
  EXPECT_EQ(Meta(store, "pepper.fingerprint.2"), v1_and_v2.Fingerprint(2));
  EXPECT_EQ(Meta(store, "pepper.versions"), "1,2");
}

TEST(PepperGuard, DroppingAnOldVersionKeepsWorking) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA) + Line(2, kPepperB))).has_value());
  EXPECT_TRUE(Check(store, Peppers(Line(2, kPepperB))).has_value());
  EXPECT_EQ(Meta(store, "pepper.versions"), "1,2");
}

TEST(PepperGuard, StoredFingerprintIsNotThePepper) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA))).has_value());
  const auto stored = Meta(store, "pepper.fingerprint.1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->find(kPepperA), std::string::npos);
  EXPECT_EQ(stored->find(std::string(32, 'a')), std::string::npos);
}

}  // namespace
}  // namespace keyward::core
