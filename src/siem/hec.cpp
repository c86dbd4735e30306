#include "siem/hec.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>
#include <chrono>

#include "core/time_zone.hpp"
#include "siem/url_text.hpp"

namespace keyward::siem {
namespace {

namespace json = boost::json;

core::Error UrlError(std::string_view text, std::string_view what) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kWrongType,
                         {"HEC URL \"" + RedactedUrl(text) + "\"", std::string(what)});
}

json::value ParseDetails(const std::string& details_json) {
  if (details_json.empty()) return json::object();
  boost::system::error_code ec;
  json::value parsed = json::parse(details_json, ec);
  if (ec) return json::string(details_json);
  return parsed;
}

}  // namespace

core::Result<HecEndpoint> ParseHecUrl(std::string_view text) {
  constexpr std::string_view kShape = "http:// or https://HOST[:PORT][/PATH]";
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return UrlError(text, kShape);
  const boost::urls::url_view url = *parsed;
  HecEndpoint endpoint;
  if (url.scheme() == "https") {
    endpoint.tls = true;
  } else if (url.scheme() != "http") {
    return UrlError(text, kShape);
  }
  if (!url.has_authority() || url.host_address().empty()) return UrlError(text, kShape);
  if (url.has_userinfo()) return UrlError(text, "without credentials (the token is set apart)");
  if (url.has_fragment()) return UrlError(text, "without a #fragment");
  endpoint.host = url.host_address();
  endpoint.port = endpoint.tls ? 443 : 80;
  if (url.has_port()) {
    const std::string_view port_text = url.port();
    unsigned long port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
        port == 0 || port > 65535) {
      return UrlError(text, "with a port from 1 to 65535");
    }
    endpoint.port = static_cast<std::uint16_t>(port);
  }
  endpoint.host_header = std::string(url.encoded_host_and_port());
  const std::string_view path = url.encoded_path();
  endpoint.target =
      (path.empty() || path == "/") ? std::string(kHecDefaultPath) : std::string(path);
  if (url.has_query()) endpoint.target += "?" + std::string(url.encoded_query());
  return endpoint;
}

std::string FormatHecEvent(const core::AuditEvent& event, std::string_view hostname,
                           std::string_view chain_head) {
  json::object body;
  body["id"] = event.id;
  body["time"] = core::FormatTime(event.time, "UTC");
  body["actor"] = event.actor;
  body["action"] = event.action;
  body["target"] = event.target;
  body["ip"] = event.ip;
  body["outcome"] = event.outcome;
  body["details"] = ParseDetails(event.details_json);
  body["hash"] = event.hash;
  body["prevHash"] = event.prev_hash;
  body["chainHead"] = chain_head;

  json::object envelope;
  envelope["time"] = event.time.time_since_epoch().count();
  envelope["sourcetype"] = kHecSourcetype;
  envelope["source"] = kHecSource;
  envelope["host"] = hostname;
  envelope["event"] = std::move(body);
  return json::serialize(envelope);
}

std::string FormatHecBatch(const Batch& events, std::string_view hostname) {
  std::string out;
  if (events.empty()) return out;
  const std::string& chain_head = events.back()->hash;
  for (const auto& event : events) {
    if (!out.empty()) out += '\n';
    out += FormatHecEvent(*event, hostname, chain_head);
  }
  return out;
}

std::string HecAuthorization(std::string_view token) { return "Splunk " + std::string(token); }

}  // namespace keyward::siem
