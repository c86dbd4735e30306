#include "app/bootstrap_secrets.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace keyward::app {
namespace {

// A fresh directory under the system's temporary directory, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "keyward-bootstrap-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(BootstrapSecretFiles, WithoutDirectoryTheVariablesNameTheFiles) {
  auto files = BootstrapSecretFilesFor(std::nullopt, "/k", "");
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->key_file, std::optional<std::string>("/k"));
  EXPECT_FALSE(files->password_file.has_value());  // empty is unset
  EXPECT_FALSE(files->exclusive);
  EXPECT_FALSE(files->dir.has_value());
}

TEST(BootstrapSecretFiles, DirectoryNamesTwoFilesThatAreNeverReplaced) {
  auto files =
      BootstrapSecretFilesFor(std::string("/var/lib/keyward/first-start"), nullptr, nullptr);
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->key_file,
            std::optional<std::string>("/var/lib/keyward/first-start/admin-api-key"));
  EXPECT_EQ(files->password_file,
            std::optional<std::string>("/var/lib/keyward/first-start/admin-password"));
  EXPECT_TRUE(files->exclusive);
}

TEST(BootstrapSecretFiles, DirectoryWithAVariableOrEmptyIsRefused) {
  auto with_key = BootstrapSecretFilesFor(std::string("/d"), "/k", nullptr);
  ASSERT_FALSE(with_key.has_value());
  EXPECT_EQ(with_key.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(with_key.error().Message().find("KEYWARD_BOOTSTRAP_KEY_FILE"), std::string::npos);
  auto with_password = BootstrapSecretFilesFor(std::string("/d"), nullptr, "/p");
  ASSERT_FALSE(with_password.has_value());
  EXPECT_NE(with_password.error().Message().find("KEYWARD_BOOTSTRAP_PASSWORD_FILE"),
            std::string::npos);
  EXPECT_FALSE(BootstrapSecretFilesFor(std::string(""), nullptr, nullptr).has_value());
}

TEST(PrepareBootstrapSecretsDir, CreatesTheDirectoryPrivateWhateverTheUmask) {
  ScratchDir scratch;
  const std::string dir = scratch.File("first-start");
  const mode_t old_umask = ::umask(0);
  auto files = BootstrapSecretFilesFor(dir, nullptr, nullptr);
  ASSERT_TRUE(files.has_value());
  const core::Status st = PrepareBootstrapSecretsDir(*files, true);
  ::umask(old_umask);
  ASSERT_TRUE(st.has_value()) << st.error().Message();
  EXPECT_EQ(ModeOf(dir), 0700u);
}

TEST(PrepareBootstrapSecretsDir, RefusesALeftoverFileOnlyForANewStore) {
  ScratchDir scratch;
  const std::string dir = scratch.File("first-start");
  auto files = BootstrapSecretFilesFor(dir, nullptr, nullptr);
  ASSERT_TRUE(files.has_value());
  ASSERT_TRUE(PrepareBootstrapSecretsDir(*files, true).has_value());
  WriteFile(*files->password_file, "old\n");

  const core::Status new_store = PrepareBootstrapSecretsDir(*files, true);
  ASSERT_FALSE(new_store.has_value());
  EXPECT_EQ(new_store.error().code, core::ErrorCode::kAlreadyExists);
  EXPECT_NE(new_store.error().Message().find(*files->password_file), std::string::npos);
  // A store that has its keys: the file is the operator's, still to be collected.
  EXPECT_TRUE(PrepareBootstrapSecretsDir(*files, false).has_value());
  EXPECT_EQ(ReadFile(*files->password_file), "old\n");
}

TEST(PrepareBootstrapSecretsDir, RefusesAPathThatIsNotADirectory) {
  ScratchDir scratch;
  WriteFile(scratch.File("plain"), "x");
  auto files = BootstrapSecretFilesFor(scratch.File("plain"), nullptr, nullptr);
  ASSERT_TRUE(files.has_value());
  const core::Status st = PrepareBootstrapSecretsDir(*files, true);
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().Message().find("is not a directory"), std::string::npos);
}

TEST(WriteSecretFile, WritesOneLineMode0600) {
  ScratchDir scratch;
  const std::string path = scratch.File("secret");
  const mode_t old_umask = ::umask(0);
  const core::Status st = WriteSecretFile(path, "kw_line", true);
  ::umask(old_umask);
  ASSERT_TRUE(st.has_value()) << st.error().Message();
  EXPECT_EQ(ReadFile(path), "kw_line\n");
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST(WriteSecretFile, ExclusiveNeverReplacesAFileAndNamesItWithoutTheLine) {
  ScratchDir scratch;
  const std::string path = scratch.File("secret");
  WriteFile(path, "earlier\n");
  const core::Status st = WriteSecretFile(path, "kw_new_secret", true);
  ASSERT_FALSE(st.has_value());
  EXPECT_NE(st.error().Message().find(path), std::string::npos);
  EXPECT_EQ(st.error().Message().find("kw_new_secret"), std::string::npos);
  // The earlier file is untouched, not removed: this call did not create it.
  EXPECT_EQ(ReadFile(path), "earlier\n");
}

TEST(WriteSecretFile, NotExclusiveReplacesAFileAndMakesIt0600) {
  ScratchDir scratch;
  const std::string path = scratch.File("secret");
  WriteFile(path, "earlier, longer than the new line\n");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(WriteSecretFile(path, "kw_new", false).has_value());
  EXPECT_EQ(ReadFile(path), "kw_new\n");
  EXPECT_EQ(ModeOf(path), 0600u);
}

}  // namespace
}  // namespace keyward::app
