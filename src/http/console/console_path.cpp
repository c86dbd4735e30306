#include "http/console/console_path.hpp"

#include <algorithm>

namespace keyward::http::console {
namespace {

constexpr std::string_view kIndex = "index.html";

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

bool IsNameCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '~' || c == '-';
}

bool IsValidSegment(std::string_view segment) {
  return !segment.empty() && segment[0] != '.' &&
         std::all_of(segment.begin(), segment.end(), IsNameCharacter);
}

bool IsValidFilePath(std::string_view path) {
  for (;;) {
    const std::size_t slash = path.find('/');
    if (!IsValidSegment(path.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    path = path.substr(slash + 1);
  }
}

}  // namespace

bool IsConsoleTarget(std::string_view target) {
  const std::string_view path = PathOf(target);
  return path.starts_with(kConsoleRoot) &&
         (path.size() == kConsoleRoot.size() || path[kConsoleRoot.size()] == '/');
}

ConsoleTarget ResolveConsoleTarget(std::string_view target) {
  const std::string_view path = PathOf(target);
  if (path == kConsoleRoot) return {.kind = ConsoleTarget::Kind::kRedirect, .file = {}};
  if (!IsConsoleTarget(path)) return {};
  const std::string_view file = path.substr(kConsoleRoot.size() + 1);
  if (file.empty()) return {.kind = ConsoleTarget::Kind::kFile, .file = kIndex};
  if (!IsValidFilePath(file)) return {};
  return {.kind = ConsoleTarget::Kind::kFile, .file = file};
}

}  // namespace keyward::http::console
