#include "storage/data_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "testing/temp_dir.hpp"

namespace keyward::storage {
namespace {

unsigned Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(DataDir, DatabasePathIsInTheDataDirectory) {
  EXPECT_EQ(DatabasePath("./keyward-data"), "./keyward-data/keyward.db");
}

TEST(DataDir, PepperIsCreatedPrivateAndReused) {
  TempDir tmp;
  const std::string data_dir = tmp.File("data");
  core::SeededRandom first_random(1);
  const auto first = LoadPepper(data_dir, std::nullopt, first_random);
  ASSERT_TRUE(first.has_value()) << first.error().Message();
  EXPECT_EQ(Mode(data_dir), 0700u);
  EXPECT_EQ(Mode(data_dir + "/pepper"), 0600u);

  core::SeededRandom second_random(2);  // would make a different pepper
  const auto second = LoadPepper(data_dir, std::nullopt, second_random);
  ASSERT_TRUE(second.has_value()) << second.error().Message();
  EXPECT_EQ(second->versions(), first->versions());
  EXPECT_EQ(second->Fingerprint(second->current_version()),
            first->Fingerprint(first->current_version()));
}

TEST(DataDir, NestedDataDirectoryIsCreated) {
  TempDir tmp;
  const std::string data_dir = tmp.File("a/b/data");
  core::SeededRandom random(3);
  const auto peppers = LoadPepper(data_dir, std::nullopt, random);
  ASSERT_TRUE(peppers.has_value()) << peppers.error().Message();
  EXPECT_EQ(Mode(data_dir), 0700u);
}

TEST(DataDir, PepperFileOptionIsReadAndNothingIsCreated) {
  TempDir tmp;
  const std::string file = tmp.File("pepper.conf");
  core::SeededRandom random(4);
  const std::string contents = core::PepperSet::Generate(random);
  std::ofstream(file) << contents;
  const std::string data_dir = tmp.File("data");
  const auto loaded = LoadPepper(data_dir, file, random);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().Message();
  const auto expected = core::PepperSet::Parse(contents);
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(loaded->Fingerprint(loaded->current_version()),
            expected->Fingerprint(expected->current_version()));
  struct stat st {};
  EXPECT_NE(::stat((data_dir + "/pepper").c_str(), &st), 0);
}

TEST(DataDir, MissingPepperFileErrorNamesThePath) {
  TempDir tmp;
  const std::string file = tmp.File("no-such-pepper");
  core::SeededRandom random(5);
  const auto loaded = LoadPepper(tmp.File("data"), file, random);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().Message().find(file), std::string::npos) << loaded.error().Message();
}

TEST(DataDir, MalformedPepperFileErrorNamesThePath) {
  TempDir tmp;
  const std::string file = tmp.File("pepper.conf");
  std::ofstream(file) << "1 this-is-not-base64!\n";
  core::SeededRandom random(6);
  const auto loaded = LoadPepper(tmp.File("data"), file, random);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.error().Message().find(file), std::string::npos) << loaded.error().Message();
  EXPECT_EQ(loaded.error().Message().find("this-is-not-base64"), std::string::npos);
}

}  // namespace
}  // namespace keyward::storage
