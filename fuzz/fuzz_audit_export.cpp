// Fuzzes the audit export formats (http/v1/audit_export_format.hpp) over audit events whose
// fields are arbitrary bytes (NUL, control characters, quotes, invalid UTF-8 included). Each
// record must read back in its own grammar with the event's values:
// - JSON lines: one line, one JSON object, every member the event's value (details as the
//   object it holds, else as its text); strict JSON (valid UTF-8) whenever the event's text is
//   valid UTF-8, as everything the API stores is (request bodies are parsed as strict JSON).
// - CSV: the header row, then one RFC 4180 record of exactly nine cells, each the event's value,
//   and no cell a spreadsheet would read as a formula (those get a leading "'").
//
// Input: 8 bytes of id, 4 of time (seconds since 1970), 1 picking the zone, then the string
// fields separated by 0xFF bytes: actor, action, target, ip, outcome, details, hash.
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/audit_event.hpp"
#include "core/time_zone.hpp"
#include "http/v1/audit_export_format.hpp"

namespace {

namespace http = keyward::http;
namespace core = keyward::core;
namespace json = boost::json;

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
bool ValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// The cells of the one CSV record `text` holds, ended by CRLF; nullopt when it is not exactly one
// RFC 4180 record.
std::optional<std::vector<std::string>> ReadCsvRecord(std::string_view text) {
  std::vector<std::string> cells(1);
  std::size_t i = 0;
  bool fresh = true;  // at the start of a cell
  while (i < text.size()) {
    const char c = text[i];
    if (fresh && c == '"') {
      fresh = false;
      ++i;
      while (true) {
        if (i >= text.size()) return std::nullopt;
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cells.back() += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cells.back() += text[i++];
      }
      // After a closing quote: a separator or the end of the record.
      if (i < text.size() && text[i] != ',' && text[i] != '\r') return std::nullopt;
      continue;
    }
    fresh = false;
    if (c == ',') {
      cells.emplace_back();
      fresh = true;
      ++i;
    } else if (c == '\r') {
      if (text.substr(i) != "\r\n") return std::nullopt;
      return cells;
    } else if (c == '"' || c == '\n') {
      return std::nullopt;  // a quote or a line break in an unquoted cell
    } else {
      cells.back() += c;
      ++i;
    }
  }
  return std::nullopt;  // no CRLF
}

void CheckJsonLine(const std::string& out, const core::AuditEvent& event, std::string_view zone,
                   bool valid_utf8) {
  if (out.empty() || out.back() != '\n' || out.find('\n') != out.size() - 1) std::abort();
  const std::string_view line(out.data(), out.size() - 1);
  json::parse_options lenient;
  lenient.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec, {}, lenient);
  if (ec || !v.is_object()) std::abort();
  if (valid_utf8) {
    (void)json::parse(line, ec);
    if (ec) std::abort();
  }
  const json::object& o = v.as_object();
  if (o.size() != 9) std::abort();
  const auto is = [&](const char* name, std::string_view want) {
    const json::value* m = o.if_contains(name);
    if (m == nullptr || !m->is_string() || std::string_view(m->as_string()) != want) std::abort();
  };
  is("id", std::to_string(event.id));
  is("time", core::FormatTime(event.time, zone));
  is("actor", event.actor);
  is("action", event.action);
  is("target", event.target);
  is("outcome", event.outcome);
  is("hash", event.hash);
  if (event.ip.empty()) {
    if (!o.at("ip").is_null()) std::abort();
  } else {
    is("ip", event.ip);
  }
  const json::value& details = o.at("details");
  if (!details.is_object()) is("details", event.details_json);
}

void CheckCsv(const std::string& out, const core::AuditEvent& event, std::string_view zone) {
  const std::string_view preamble = http::AuditExportPreamble(http::AuditExportFormat::kCsv);
  const std::optional<std::vector<std::string>> header = ReadCsvRecord(preamble);
  if (!header || header->size() != 9) std::abort();
  const std::optional<std::vector<std::string>> cells = ReadCsvRecord(out);
  if (!cells || cells->size() != 9) std::abort();
  const std::array<std::string, 9> want = {std::to_string(event.id),
                                           core::FormatTime(event.time, zone),
                                           event.actor,
                                           event.action,
                                           event.target,
                                           event.ip,
                                           event.outcome,
                                           event.details_json,
                                           event.hash};
  for (std::size_t i = 0; i < want.size(); ++i) {
    const std::string& cell = (*cells)[i];
    if (!cell.empty() &&
        std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) {
      std::abort();  // a formula
    }
    if (cell != want[i] && cell != "'" + want[i]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kFixed = 8 + 4 + 1;
  if (size < kFixed) return 0;
  core::AuditEvent event;
  std::uint64_t id = 0;
  std::memcpy(&id, data, sizeof id);
  event.id = static_cast<std::int64_t>(id);
  std::uint32_t seconds = 0;
  std::memcpy(&seconds, data + 8, sizeof seconds);
  event.time = core::Time{std::chrono::seconds(seconds)};
  static constexpr std::array<std::string_view, 4> kZones = {"UTC", "Asia/Tokyo",
                                                             "America/New_York", "Asia/Kolkata"};
  const std::string_view zone = kZones[data[12] % kZones.size()];
  std::array<std::string*, 7> fields = {&event.actor, &event.action,  &event.target,
                                        &event.ip,    &event.outcome, &event.details_json,
                                        &event.hash};
  std::size_t field = 0;
  for (std::size_t i = kFixed; i < size && field < fields.size(); ++i) {
    if (data[i] == 0xFF) {
      ++field;
    } else {
      fields[field]->push_back(static_cast<char>(data[i]));
    }
  }
  bool valid_utf8 = true;
  for (const std::string* f : fields) valid_utf8 = valid_utf8 && ValidUtf8(*f);

  std::string jsonl;
  http::AppendAuditExportRecord(jsonl, http::AuditExportFormat::kJsonLines, event, zone);
  CheckJsonLine(jsonl, event, zone, valid_utf8);
  std::string csv;
  http::AppendAuditExportRecord(csv, http::AuditExportFormat::kCsv, event, zone);
  CheckCsv(csv, event, zone);
  return 0;
}
