// What `keyward version` and `keyward --version` print: the release, the git commit the binary
// was built from and the build type. Only version.cpp sees the commit and the build type (compile
// definitions set in src/app/CMakeLists.txt), so a new commit recompiles that one file.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace keyward::app {

// "0.1.0": the project's version (CMakeLists.txt).
std::string_view Version();

// The short git commit configured from ("abc1234"), or "unknown" outside a git checkout.
std::string_view Commit();

// CMAKE_BUILD_TYPE ("Release", "Debug", ...), or "unknown" when none was set.
std::string_view BuildType();

// "keyward 0.1.0 (commit abc1234, Release)".
std::string VersionLine();

// {"version": "0.1.0", "commit": "abc1234", "buildType": "Release"}.
std::string VersionJson();

}  // namespace keyward::app
