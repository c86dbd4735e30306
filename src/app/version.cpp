#include "app/version.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#ifndef KEYWARD_VERSION
#define KEYWARD_VERSION "0.0.0"
#endif
#ifndef KEYWARD_COMMIT
#define KEYWARD_COMMIT "unknown"
#endif
#ifndef KEYWARD_BUILD_TYPE
#define KEYWARD_BUILD_TYPE ""
#endif

namespace keyward::app {

std::string_view Version() { return KEYWARD_VERSION; }

std::string_view Commit() {
  constexpr std::string_view kCommit = KEYWARD_COMMIT;
  return kCommit.empty() ? "unknown" : kCommit;
}

std::string_view BuildType() {
  constexpr std::string_view kBuildType = KEYWARD_BUILD_TYPE;
  return kBuildType.empty() ? "unknown" : kBuildType;
}

std::string VersionLine() {
  return "keyward " + std::string(Version()) + " (commit " + std::string(Commit()) + ", " +
         std::string(BuildType()) + ")";
}

std::string VersionJson() {
  return boost::json::serialize(boost::json::object{
      {"version", Version()}, {"commit", Commit()}, {"buildType", BuildType()}});
}

}  // namespace keyward::app
