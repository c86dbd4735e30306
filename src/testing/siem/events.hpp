// Audit events for the SIEM tests, full of characters that CEF, syslog and JSON must escape.
#pragma once

#include <chrono>
#include <string>

#include "core/store/audit_event.hpp"

namespace keyward::siem::testing {

// 2026-01-02T03:04:05Z
inline core::Time TestTime() {
  using namespace std::chrono;
  return core::Time{sys_days{year{2026} / January / 2}} + hours{3} + minutes{4} + seconds{5};
}

// A changed key whose name holds a pipe, an equals sign, a backslash, a newline and Japanese.
inline core::AuditEvent TrickyEvent(std::int64_t id) {
  core::AuditEvent event;
  event.id = id;
  event.time = TestTime();
  event.actor = "account:7 a|b=c\\d";
  event.action = "apikey.update";
  event.target = "apikey:43\n次の行";
  event.ip = "203.0.113.9";
  event.outcome = "success";
  event.details_json =
      R"({"name":{"old":"ci|deploy=1\\x","new":"本番 \"prod\"\n"},"n":)" + std::to_string(id) + "}";
  event.prev_hash = "v1:" + std::string(60, 'a') + std::to_string(1000 + id - 1);
  event.hash = "v1:" + std::string(60, 'a') + std::to_string(1000 + id);
  return event;
}

}  // namespace keyward::siem::testing
