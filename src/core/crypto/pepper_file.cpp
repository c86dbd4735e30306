#include "core/crypto/pepper_file.hpp"

#include <openssl/crypto.h>

#include <array>
#include <limits>
#include <vector>

#include "core/crypto/digest.hpp"

namespace keyward::core {
namespace {

Error FileSetting(ErrorCode code, std::string text) {
  return MakeError(code, Msg::kSetting, {std::move(text)});
}

// "1, 2 and 3 (3 retired)": what the file holds, for an error about a version it lacks.
std::string Holdings(const PepperSet& set) {
  std::string out;
  for (std::uint32_t v : set.versions()) out += (out.empty() ? "" : ", ") + std::to_string(v);
  for (std::uint32_t v : set.retired_versions()) {
    out += (out.empty() ? "" : ", ") + std::to_string(v) + " (retired)";
  }
  return out;
}

// The version number that begins `line` (after blanks), or 0 for a blank, comment or other line.
std::uint32_t LineVersion(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::uint64_t value = 0;
  std::size_t digits = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9' && digits < 11; ++i, ++digits) {
    value = value * 10 + static_cast<std::uint64_t>(line[i] - '0');
  }
  if (digits == 0 || i >= line.size() || (line[i] != ' ' && line[i] != '\t')) return 0;
  if (value > std::numeric_limits<std::uint32_t>::max()) return 0;
  return static_cast<std::uint32_t>(value);
}

Result<PepperSet> ParseForEdit(std::string_view contents) {
  auto set = PepperSet::Parse(contents);
  if (!set) return set.error();
  return std::move(set).value();
}

}  // namespace

Result<PepperFileEdit> AddPepperVersion(std::string_view contents, Random& random) {
  KW_ASSIGN_OR_RETURN(const PepperSet set, ParseForEdit(contents));
  std::uint32_t highest = set.current_version();
  for (std::uint32_t v : set.retired_versions()) highest = std::max(highest, v);
  if (highest == std::numeric_limits<std::uint32_t>::max()) {
    return FileSetting(ErrorCode::kInvalidArgument,
                       "pepper version " + std::to_string(highest) + " is the last there can be");
  }
  PepperFileEdit edit;
  edit.version = highest + 1;
  edit.contents.assign(contents);
  if (!edit.contents.empty() && edit.contents.back() != '\n') edit.contents += '\n';
  std::array<std::uint8_t, kMinPepperBytes> bytes{};
  random.Fill(bytes);
  edit.contents += std::to_string(edit.version) + " " + Base64Encode(bytes) + "\n";
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return edit;
}

Result<PepperFileEdit> RetirePepperVersion(std::string_view contents, std::uint32_t version) {
  KW_ASSIGN_OR_RETURN(const PepperSet set, ParseForEdit(contents));
  const std::string name = "pepper version " + std::to_string(version);
  if (set.IsRetired(version)) {
    return FileSetting(ErrorCode::kAlreadyExists, name + " is already retired");
  }
  if (set.Find(version).empty()) {
    return MakeError(ErrorCode::kNotFound, Msg::kPepperVersionUnknown,
                     {std::to_string(version), Holdings(set)});
  }
  if (version == set.current_version()) {
    return MakeError(ErrorCode::kInvalidArgument, Msg::kPepperVersionCurrent,
                     {std::to_string(version)});
  }
  std::array<std::uint8_t, kDigestSize> key = set.DeriveKey(kAuditChainKeyPurpose, version);
  const std::string retired_line = std::to_string(version) + " retired " + Base64Encode(key);
  OPENSSL_cleanse(key.data(), key.size());

  PepperFileEdit edit;
  edit.version = version;
  std::string_view rest = contents;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    const std::string_view trimmed = line.substr(
        line.find_first_not_of(" \t") == std::string_view::npos ? line.size()
                                                                : line.find_first_not_of(" \t"));
    const bool comment = !trimmed.empty() && trimmed.front() == '#';
    if (!comment && LineVersion(line) == version) {
      edit.contents += retired_line;
      if (!line.empty() && line.back() == '\r') edit.contents += '\r';
    } else {
      edit.contents.append(line);
    }
    if (end == std::string_view::npos) break;
    edit.contents += '\n';
    rest.remove_prefix(end + 1);
  }
  // The result must say what was meant: the version retired, everything else as it was.
  KW_ASSIGN_OR_RETURN(const PepperSet after, ParseForEdit(edit.contents));
  if (!after.IsRetired(version) || after.current_version() != set.current_version()) {
    return Internal("retiring " + name + " did not give the file expected");
  }
  return edit;
}

}  // namespace keyward::core
