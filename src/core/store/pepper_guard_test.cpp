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

// Retirement (keyward pepper retire): the file keeps version 1's chain key alone.
std::string RetiredLine(const PepperSet& full, std::uint32_t version) {
  return std::to_string(version) + " retired " +
         Base64Encode(full.DeriveKey(kAuditChainKeyPurpose, version)) + "\n";
}

Status Retire(Store& store, const PepperSet& peppers, std::uint32_t version) {
  return store.Transact(
      [&](UnitOfWork& uow) { return RecordPepperRetired(uow, peppers, version); });
}

TEST(PepperGuard, ARetiredVersionIsNotAMismatch) {
  storage::MemoryStore store;
  const PepperSet full = Peppers(Line(1, kPepperA) + Line(2, kPepperB));
  ASSERT_TRUE(Check(store, full).has_value());
  ASSERT_TRUE(Retire(store, full, 1).has_value());
  EXPECT_EQ(Meta(store, "pepper.retired.1"), full.ChainKeyFingerprint(1));
  EXPECT_TRUE(Check(store, Peppers(RetiredLine(full, 1) + Line(2, kPepperB))).has_value());
  EXPECT_EQ(Meta(store, "pepper.versions"), "1,2");
}

TEST(PepperGuard, APepperFileHoldingInFullAVersionTheStoreRetiredIsRefused) {
  storage::MemoryStore store;
  const PepperSet full = Peppers(Line(1, kPepperA) + Line(2, kPepperB));
  ASSERT_TRUE(Check(store, full).has_value());
  ASSERT_TRUE(Retire(store, full, 1).has_value());
  const Status st = Check(store, full);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(st.error().msg, Msg::kPepperVersionRetired);
  EXPECT_NE(st.error().Message().find("version 1"), std::string::npos) << st.error().Message();
}

TEST(PepperGuard, ARetiredLineWithAnotherChainKeyIsAMismatch) {
  storage::MemoryStore store;
  const PepperSet full = Peppers(Line(1, kPepperA) + Line(2, kPepperB));
  const PepperSet other = Peppers(Line(1, kPepperC) + Line(2, kPepperB));
  ASSERT_TRUE(Check(store, full).has_value());
  ASSERT_TRUE(Retire(store, full, 1).has_value());
  ExpectMismatch(Check(store, Peppers(RetiredLine(other, 1) + Line(2, kPepperB))));
}

TEST(PepperGuard, AVersionRetiredInTheFileAloneIsRecordedAsRetired) {
  storage::MemoryStore store;
  const PepperSet full = Peppers(Line(1, kPepperA) + Line(2, kPepperB));
  ASSERT_TRUE(Check(store, full).has_value());
  ASSERT_TRUE(Check(store, Peppers(RetiredLine(full, 1) + Line(2, kPepperB))).has_value());
  EXPECT_EQ(Meta(store, "pepper.retired.1"), full.ChainKeyFingerprint(1));
  const Status st = Check(store, full);  // the full line is refused from now on
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().msg, Msg::kPepperVersionRetired);
}

TEST(PepperGuard, RecordedVersionsListsEveryVersionSeen) {
  storage::MemoryStore store;
  ASSERT_TRUE(Check(store, Peppers(Line(1, kPepperA) + Line(3, kPepperB))).has_value());
  const auto versions = TransactValue<std::vector<std::uint32_t>>(
      store, [](UnitOfWork& uow) { return RecordedPepperVersions(uow); });
  ASSERT_TRUE(versions.has_value());
  EXPECT_EQ(*versions, (std::vector<std::uint32_t>{1, 3}));
}

}  // namespace
}  // namespace keyward::core
