#include "http/ds/fields.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <chrono>

#include "core/ids.hpp"
#include "core/time_zone.hpp"
#include "http/json_fields.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

constexpr std::string_view kInteger = "an integer";

std::optional<std::int64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

core::Result<std::int64_t> IntValue(const json::value& value, const std::string& field) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) {
    if (value.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) {
      return WrongType(field, kInteger);
    }
    return static_cast<std::int64_t>(value.get_uint64());
  }
  if (value.is_string()) {
    if (auto parsed = ParseDecimal(value.get_string())) return *parsed;
  }
  return WrongType(field, kInteger);
}

core::Result<std::optional<std::int64_t>> OptionalInt(const json::object& body,
                                                      std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::int64_t>();
  KW_ASSIGN_OR_RETURN(std::int64_t parsed, IntValue(*value, std::string(name)));
  return std::optional<std::int64_t>(parsed);
}

core::Result<std::optional<std::string>> OptionalString(const json::object& body,
                                                        std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) return WrongType(std::string(name), "a string");
  return std::optional<std::string>(std::string(value->get_string()));
}

core::Result<std::optional<bool>> OptionalBool(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<bool>();
  if (!value->is_bool()) return WrongType(std::string(name), "true or false");
  return std::optional<bool>(value->get_bool());
}

std::int64_t EpochMillis(core::Time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

core::Time FromEpochMillis(std::int64_t millis) {
  return std::chrono::floor<std::chrono::seconds>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(millis)));
}

std::string Rfc3339Utc(core::Time t) { return core::FormatTime(t, "UTC"); }

json::object StoredAttributes(std::string_view text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return {};
  return std::move(parsed.get_object());
}

std::optional<std::int64_t> PathId(const RouteMatch& route, std::string_view name) {
  return core::ParseId(route.Param(name));
}

}  // namespace keyward::http::ds
