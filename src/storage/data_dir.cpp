#include "storage/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string_view>

#include "storage/file_sync.hpp"
#include "storage/pepper_file.hpp"

namespace keyward::storage {
namespace {

core::Error FileError(core::ErrorCode code, const std::string& path, std::string_view what,
                      int err) {
  return core::MakeError(code, core::Msg::kStoreError,
                         {std::string(what) + " " + path + ": " + std::strerror(err)});
}

// The pepper file's text (storage/pepper_file.hpp reads it); a missing one is a setting that
// cannot be used, as an unreadable one is.
core::Result<std::string> ReadFile(const std::string& path) {
  core::Result<std::string> text = ReadPepperText(path);
  if (!text && text.error().code == core::ErrorCode::kNotFound) {
    core::Error error = text.error();
    error.code = core::ErrorCode::kInvalidArgument;
    return error;
  }
  return text;
}

core::Result<core::PepperSet> ParsePepperFile(const std::string& path) {
  KW_ASSIGN_OR_RETURN(const std::string contents, ReadFile(path));
  auto peppers = core::PepperSet::Parse(contents);
  if (!peppers) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kStoreError,
                           {"pepper file " + path + ": " + peppers.error().Message()});
  }
  return std::move(peppers).value();
}

core::Status SyncDirectory(const std::string& dir) {
  if (SyncPath(dir)) return core::Ok();
  return FileError(core::ErrorCode::kUnavailable, dir, "cannot sync", errno);
}

core::Status EnsureDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return core::Ok();
  if (errno == ENOENT) {
    // Parents are ordinary directories; only the data directory itself is private.
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return core::Ok();
  }
  return FileError(core::ErrorCode::kUnavailable, dir, "cannot create data directory", errno);
}

// Writes a new pepper to a private temporary file, fsyncs it and links it to `path`, which
// fails if another process got there first: either way `path` then holds a complete pepper.
core::Status CreatePepperFile(const std::string& dir, const std::string& path,
                              core::Random& random) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(core::ErrorCode::kUnavailable, tmp, "cannot create", errno);
  core::Status st = core::Ok();
  if (!WriteAll(fd, core::PepperSet::Generate(random)) || ::fchmod(fd, 0600) != 0 ||
      ::fsync(fd) != 0) {
    st = core::Internal(std::strerror(errno));
  }
  ::close(fd);
  if (st && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    st = core::Internal(std::strerror(errno));
  }
  ::unlink(tmp.c_str());
  if (!st) {
    return core::MakeError(core::ErrorCode::kUnavailable, core::Msg::kStoreError,
                           {"cannot write pepper file " + path + ": " + st.error().args.front()});
  }
  return SyncDirectory(dir);
}

core::Result<core::PepperSet> LoadOrCreate(const std::string& data_dir, core::Random& random) {
  KW_RETURN_IF_ERROR(EnsureDirectory(data_dir));
  const std::string path = data_dir + "/pepper";
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return FileError(core::ErrorCode::kInvalidArgument, path, "cannot read pepper file", errno);
    }
    KW_RETURN_IF_ERROR(CreatePepperFile(data_dir, path, random));
  }
  return ParsePepperFile(path);
}

}  // namespace

std::string DatabasePath(const std::string& data_dir) { return data_dir + "/keyward.db"; }

core::Result<core::PepperSet> LoadPepper(const std::string& data_dir,
                                         const std::optional<std::string>& pepper_file,
                                         core::Random& random) {
  try {
    if (pepper_file) return ParsePepperFile(*pepper_file);
    return LoadOrCreate(data_dir, random);
  } catch (const std::exception& e) {
    return core::Internal(std::string("load pepper: ") + e.what());
  }
}

}  // namespace keyward::storage
