// The JSON of POST /v1/keys/verify (docs/api.md "Verification"): its request body, read with type
// checks and unknown-field rejection, and its answer. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/ip.hpp"
#include "core/result.hpp"
#include "core/verification/verifier.hpp"

namespace keyward::http {

// The answer of POST /v1/keys/verify: {"valid", "code"} and, once the secret matched (the
// verification carries the key), "keyId", "name", "role" (name, or null for a key whose role
// vanished), "permissions" (the role's, as shown for roles) and "expiresAt" (in `zone`, or null).
boost::json::object VerificationJson(const core::Verification& verification, std::string_view zone);

// POST /v1/keys/verify.
struct VerifyInput {
  std::string key;
  std::vector<std::string> permissions;  // each a catalogue or valid free-form name
  std::optional<core::IpAddress> ip;     // the end client's address
};
// {key, permissions?, ip?}: key a string (required; its shape is the chain's to judge),
// permissions an array of permission names (a bad one is 400 naming "permissions[i]"), ip an
// IPv4 or IPv6 address (else 400 naming "ip").
core::Result<VerifyInput> ParseVerify(const boost::json::object& body);

}  // namespace keyward::http
