#include "storage/pepper_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "storage/file_sync.hpp"

namespace keyward::storage {
namespace {

constexpr std::size_t kMaxPepperFileBytes = 1 << 20;

core::Error PepperFileError(core::ErrorCode code, const std::string& path, std::string_view what,
                            int err) {
  return core::MakeError(code, core::Msg::kPepperFile,
                         {std::string(what), path, std::strerror(err)});
}

}  // namespace

std::string PepperFilePath(const std::string& data_dir,
                           const std::optional<std::string>& pepper_file) {
  return pepper_file ? *pepper_file : data_dir + "/pepper";
}

core::Result<std::string> ReadPepperText(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return PepperFileError(
        err == ENOENT ? core::ErrorCode::kNotFound : core::ErrorCode::kInvalidArgument, path,
        "cannot read the", err);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return PepperFileError(core::ErrorCode::kInvalidArgument, path, "cannot read the", err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxPepperFileBytes) {
      ::close(fd);
      return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kPepperFile,
                             {"cannot read the", path, "larger than 1 MiB"});
    }
  }
  ::close(fd);
  return out;
}

core::Status ReplacePepperFile(const std::string& given, const std::string& contents) {
  // A link (to a file a secret manager renders, say) keeps pointing where it did: its target is
  // replaced, beside itself.
  std::string path = given;
  if (char* real = ::realpath(given.c_str(), nullptr); real != nullptr) {
    path = real;
    std::free(real);
  }
  struct stat old {};
  const bool existed = ::stat(path.c_str(), &old) == 0;
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return PepperFileError(core::ErrorCode::kUnavailable, given,
                           "cannot write a temporary file beside the", errno);
  }
  bool ok = ::fchmod(fd, 0600) == 0;
  // Run as root on a file a service user owns, the new file must stay readable by that user.
  if (ok && existed && (old.st_uid != ::geteuid() || old.st_gid != ::getegid())) {
    ok = ::fchown(fd, old.st_uid, old.st_gid) == 0;
  }
  ok = ok && WriteAll(fd, contents) && ::fsync(fd) == 0;
  const int write_err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return PepperFileError(core::ErrorCode::kUnavailable, given, "cannot write the", write_err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return PepperFileError(core::ErrorCode::kUnavailable, given, "cannot replace the", err);
  }
  if (!SyncPath(DirectoryOf(path))) {
    return PepperFileError(core::ErrorCode::kUnavailable, given,
                           "replaced, but cannot sync the directory of the", errno);
  }
  return core::Ok();
}

}  // namespace keyward::storage
