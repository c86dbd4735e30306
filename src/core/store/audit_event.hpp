// AuditEvent: one entry of the audit trail (docs/architecture.md "Audit event"). Written in the
// same unit of work as the change it records. Details hold changed fields with old and new values,
// never a secret. prev_hash and hash link the events into a chain (core/audit/audit_chain.hpp): the
// store keeps them as given, the chain store computes them. Plain value type.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.hpp"

namespace keyward::core {

struct AuditEvent {
  std::int64_t id = 0;  // assigned by the store, increasing, never reused
  Time time{};
  std::string actor;         // e.g. "apikey:42", "account:7", "system"
  std::string action;        // "<resource>.<verb>", e.g. "apikey.create"
  std::string target;        // e.g. "apikey:43"
  std::string ip;            // client address, or empty
  std::string outcome;       // "success" or "failure"
  std::string details_json;  // a JSON object; never a secret
  std::string prev_hash;     // the previous event's hash, or 64 zeros for the first event
  std::string hash;          // "v<chain key version>:<64 hex digits>" (core/audit/audit_chain.hpp)
};

}  // namespace keyward::core
