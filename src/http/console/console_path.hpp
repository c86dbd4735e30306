// Which console file a request target names. The console serves only what the build embedded,
// so a target is never mapped onto the file system; still, a target is taken as written and
// never decoded, so that no escape (%2e%2e, %2f), dot segment, empty segment or backslash can
// name a file under another path: such a target names nothing. Pure; thread-safe.
#pragma once

#include <string_view>

namespace keyward::http::console {

// The path every console target starts with.
inline constexpr std::string_view kConsoleRoot = "/console";

// Whether `target`'s path (before any '?' or '#') is kConsoleRoot or below it ("/console/...").
// "/consoles" is not.
bool IsConsoleTarget(std::string_view target);

struct ConsoleTarget {
  enum class Kind {
    kRedirect,  // "/console": the console lives at "/console/"
    kFile,      // `file` is the path below web/ to look up
    kNotFound,  // the target names no file that could exist
  };
  Kind kind = Kind::kNotFound;
  std::string_view file;  // kFile only: a view into the target
};

// What `target` names. "/console/" names "index.html"; "/console/<p>" names <p> when each of
// its '/'-separated segments is non-empty, starts with no '.', and holds only letters, digits,
// '.', '_', '~' and '-' (the alphabet embed_web.cmake allows in web/). The query string and
// fragment are ignored.
ConsoleTarget ResolveConsoleTarget(std::string_view target);

}  // namespace keyward::http::console
