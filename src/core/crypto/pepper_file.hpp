// Edits of a pepper file's text (format in core/crypto/digest.hpp): adding a new current version
// and retiring an old one. Each edit checks the text parses before and after, and leaves every
// other line (comments included) byte for byte as it was. The caller writes the result back
// (storage/pepper_file.hpp does, atomically). Errors name versions and lines, never pepper bytes.
//
// Thread-safety: pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/result.hpp"

namespace keyward::core {

struct PepperFileEdit {
  std::string contents;       // the new text of the file
  std::uint32_t version = 0;  // the version added or retired
};

// Appends a version one above the highest (retired ones included) with 32 bytes from `random`:
// it becomes the current version. Errors: the text does not parse (kInvalidArgument, as
// PepperSet::Parse says), or the highest version is already 4294967295.
Result<PepperFileEdit> AddPepperVersion(std::string_view contents, Random& random);

// Replaces the line of `version` with `<version> retired <base64 of its audit chain key>`.
// Errors (Msg::kSetting): kNotFound when the file has no such version, kInvalidArgument when it is
// the current version, kAlreadyExists when it is already retired (the text is unchanged then).
Result<PepperFileEdit> RetirePepperVersion(std::string_view contents, std::uint32_t version);

}  // namespace keyward::core
