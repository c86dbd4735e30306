// FindDuplicateKey: the first member name that appears twice in one JSON object of a document.
// Boost.JSON keeps the last of duplicate keys, so {"role": "Auditor", "role": "Master
// Administrator"} would be read as a Master Administrator request while a reviewer (or a
// filter in front of Keyward) reads the first: request bodies with duplicate keys are refused
// (docs/security.md "Domain and authorization attacks"). Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyward::http {

// The path of the first duplicated member of `text` ("role", "rateLimits[1].name", "a.b"), or
// nullopt when every object's keys are distinct. `text` should already be known to be JSON;
// text that is not answers nullopt (the parse proper reports it).
std::optional<std::string> FindDuplicateKey(std::string_view text);

}  // namespace keyward::http
