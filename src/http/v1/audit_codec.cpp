#include "http/v1/audit_codec.hpp"

#include <boost/json/parse.hpp>

#include <string>
#include <utility>

#include "core/time_zone.hpp"

namespace keyward::http {

namespace json = boost::json;

json::object AuditEventJson(const core::AuditEvent& event, std::string_view zone) {
  json::object o;
  o["id"] = std::to_string(event.id);
  o["time"] = core::FormatTime(event.time, zone);
  o["actor"] = event.actor;
  o["action"] = event.action;
  o["target"] = event.target;
  o["ip"] = event.ip.empty() ? json::value(nullptr) : json::value(event.ip);
  o["outcome"] = event.outcome;
  boost::system::error_code ec;
  json::value details = json::parse(event.details_json, ec);
  // A details text that is not an object (a tampered row) is shown as it is, not hidden.
  o["details"] = !ec && details.is_object() ? std::move(details) : json::value(event.details_json);
  o["hash"] = event.hash;
  return o;
}

json::object AuditVerificationJson(const core::AuditVerification& verification) {
  json::object o;
  o["ok"] = verification.ok;
  o["events"] = verification.events;
  if (!verification.ok) {
    o["firstBrokenId"] = verification.first_broken_id
                             ? json::value(std::to_string(*verification.first_broken_id))
                             : json::value(nullptr);
    o["reason"] = verification.reason;
  }
  return o;
}

}  // namespace keyward::http
