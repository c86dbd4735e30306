#include "core/store/pepper_guard.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace keyward::core {
namespace {

constexpr std::string_view kVersionsKey = "pepper.versions";

std::string FingerprintKey(std::uint32_t version) {
  return "pepper.fingerprint." + std::to_string(version);
}

std::string RetiredKey(std::uint32_t version) {
  return "pepper.retired." + std::to_string(version);
}

// Unparsable entries are kept out of the set: a list that lost its way can only make the guard
// stricter (fewer known versions never admit a wrong pepper: fingerprints still must match).
std::set<std::uint32_t> ParseVersions(std::string_view text) {
  std::set<std::uint32_t> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    std::uint32_t version = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), version);
    if (ec == std::errc() && end == item.data() + item.size()) out.insert(version);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::string JoinVersions(const std::set<std::uint32_t>& versions) {
  std::string out;
  for (std::uint32_t v : versions) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

}  // namespace

Status CheckAndRecordPepper(UnitOfWork& uow, const PepperSet& peppers) {
  KW_ASSIGN_OR_RETURN(const std::optional<std::string> listed, uow.GetMeta(kVersionsKey));
  std::set<std::uint32_t> known = listed ? ParseVersions(*listed) : std::set<std::uint32_t>();

  bool any_match = false;
  std::vector<std::uint32_t> unrecorded;
  for (std::uint32_t version : peppers.versions()) {
    KW_ASSIGN_OR_RETURN(const std::optional<std::string> retired, uow.GetMeta(RetiredKey(version)));
    if (retired) {
      return MakeError(ErrorCode::kConflict, Msg::kPepperVersionRetired, {std::to_string(version)});
    }
    KW_ASSIGN_OR_RETURN(const std::optional<std::string> stored,
                        uow.GetMeta(FingerprintKey(version)));
    if (!stored) {
      unrecorded.push_back(version);
      continue;
    }
    if (*stored != peppers.Fingerprint(version)) {
      return MakeError(ErrorCode::kConflict, Msg::kPepperMismatch);
    }
    any_match = true;
    known.insert(version);
  }
  std::vector<std::uint32_t> newly_retired;
  for (std::uint32_t version : peppers.retired_versions()) {
    KW_ASSIGN_OR_RETURN(const std::optional<std::string> stored, uow.GetMeta(RetiredKey(version)));
    if (!stored) {
      // Retired in the file but not yet in the store (a retire whose store write was lost, or a
      // store restored from before it): the file is the stricter word, so the store follows it.
      newly_retired.push_back(version);
      continue;
    }
    if (*stored != peppers.ChainKeyFingerprint(version)) {
      return MakeError(ErrorCode::kConflict, Msg::kPepperMismatch);
    }
    any_match = true;
    known.insert(version);
  }
  if (!known.empty() && !any_match) return MakeError(ErrorCode::kConflict, Msg::kPepperMismatch);

  for (std::uint32_t version : newly_retired) {
    KW_RETURN_IF_ERROR(RecordPepperRetired(uow, peppers, version));
    known.insert(version);
  }
  if (unrecorded.empty() && listed && *listed == JoinVersions(known)) return Ok();
  for (std::uint32_t version : unrecorded) {
    KW_RETURN_IF_ERROR(uow.SetMeta(FingerprintKey(version), peppers.Fingerprint(version)));
    known.insert(version);
  }
  return uow.SetMeta(kVersionsKey, JoinVersions(known));
}

Status RecordPepperRetired(UnitOfWork& uow, const PepperSet& peppers, std::uint32_t version) {
  const std::string fingerprint = peppers.ChainKeyFingerprint(version);
  if (fingerprint.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, Msg::kSetting,
                     {"pepper version " + std::to_string(version) + " is not in the pepper file"});
  }
  return uow.SetMeta(RetiredKey(version), fingerprint);
}

Result<std::vector<std::uint32_t>> RecordedPepperVersions(UnitOfWork& uow) {
  KW_ASSIGN_OR_RETURN(const std::optional<std::string> listed, uow.GetMeta(kVersionsKey));
  if (!listed) return std::vector<std::uint32_t>();
  const std::set<std::uint32_t> versions = ParseVersions(*listed);
  return std::vector<std::uint32_t>(versions.begin(), versions.end());
}

}  // namespace keyward::core
