#include "http/visionone/codec.hpp"

#include <openssl/evp.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <span>

#include "core/crypto/digest.hpp"
#include "core/time_zone.hpp"
#include "http/json_duplicate_keys.hpp"
#include "http/json_fields.hpp"
#include "http/visionone/errors.hpp"

namespace keyward::http::visionone {
namespace {

namespace json = boost::json;

constexpr std::array<int, 5> kMonths{0, 1, 3, 6, 12};

// A "status" member: "enabled" -> true, "disabled" -> false.
core::Result<std::optional<bool>> OptionalStatus(const json::object& body, core::Locale locale) {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, "status"));
  if (!text) return std::optional<bool>{};
  if (*text == "enabled") return std::optional<bool>{true};
  if (*text == "disabled") return std::optional<bool>{false};
  return Refusal(Render(Words::kStatusInvalid, locale, {"status"}), "status");
}

core::Result<std::string> RequiredString(const json::object& body, std::string_view name) {
  KW_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, name));
  if (!text) return Required(std::string(name));
  return std::move(*text);
}

}  // namespace

std::string_view StatusName(const core::ApiKey& key, core::Time now) {
  return key.StatusAt(now) == core::KeyStatus::kEnabled ? "enabled" : "disabled";
}

std::string UtcOrEmpty(const std::optional<core::Time>& t) {
  return t ? core::FormatTime(*t, "UTC") : std::string{};
}

json::object KeyJson(const core::ApiKey& key, core::Time now) {
  json::object o;
  o["id"] = std::to_string(key.id);
  o["name"] = key.name;
  o["description"] = key.description;
  o["role"] = key.role_name;
  o["status"] = StatusName(key, now);
  o["expiredDateTime"] = UtcOrEmpty(key.expires_at);
  o["lastUsedDateTime"] = UtcOrEmpty(key.last_used_at);
  o["createdDateTime"] = UtcOrEmpty(key.created_at);
  return o;
}

FilterSubject SubjectOf(const core::ApiKey& key, core::Time now) {
  return FilterSubject{.id = std::to_string(key.id),
                       .name = key.name,
                       .role = key.role_name,
                       .status = std::string(StatusName(key, now)),
                       .description = key.description};
}

std::string ETagOf(const core::ApiKey& key, core::Time now) {
  // Each part is length-prefixed, so no two states write the same bytes.
  std::string state;
  for (const std::string& part : {std::to_string(key.id), key.name, key.description,
                                  std::to_string(key.role_id), std::string(StatusName(key, now))}) {
    state += std::to_string(part.size());
    state += ':';
    state += part;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned length = 0;
  if (EVP_Digest(state.data(), state.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    length = 0;
  }
  const std::size_t used = std::min<std::size_t>(length, 16);
  return "\"" + core::HexEncode(std::span<const std::uint8_t>(digest.data(), used)) + "\"";
}

bool IfMatchMatches(std::string_view if_match, std::string_view etag) {
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  std::string_view given = trim(if_match);
  if (given.size() >= 2 && given.front() == '"' && given.back() == '"') {
    given = given.substr(1, given.size() - 2);
  }
  std::string_view wanted = etag;
  if (wanted.size() >= 2 && wanted.front() == '"' && wanted.back() == '"') {
    wanted = wanted.substr(1, wanted.size() - 2);
  }
  return !given.empty() && given == wanted;
}

std::optional<core::Time> ExpiryAfterMonths(core::Time now, int months) {
  if (months <= 0) return std::nullopt;
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::seconds time_of_day = now - day;
  const std::chrono::year_month_day ymd{day};
  std::chrono::year_month_day target = ymd + std::chrono::months{months};
  if (!target.ok()) target = target.year() / target.month() / std::chrono::last;
  return core::Time{std::chrono::sys_days{target}} + time_of_day;
}

core::Error Refusal(std::string message, std::string field, core::ErrorCode code) {
  core::Error error;
  error.code = code;
  error.msg = core::Msg::kSetting;
  error.args = {std::move(message)};
  error.field = std::move(field);
  return error;
}

core::Result<CreateItem> ParseCreateItem(const json::value& item, core::Locale locale) {
  if (!item.is_object()) return Refusal(Render(Words::kItemNotObject, locale));
  const json::object& body = item.get_object();
  KW_RETURN_IF_ERROR(
      OnlyKnownFields(body, {"name", "role", "monthsToExpiration", "description", "status"}));
  CreateItem out;
  KW_ASSIGN_OR_RETURN(out.name, RequiredString(body, "name"));
  KW_ASSIGN_OR_RETURN(out.role, RequiredString(body, "role"));
  const json::value* months = body.if_contains("monthsToExpiration");
  if (months == nullptr) return Required("monthsToExpiration");
  if (!months->is_int64() && !months->is_uint64()) {
    return WrongType("monthsToExpiration", "an integer");
  }
  const std::int64_t n = months->is_int64() ? months->get_int64() : -1;
  if (std::find(kMonths.begin(), kMonths.end(), n) == kMonths.end()) {
    return Refusal(Render(Words::kMonthsInvalid, locale), "monthsToExpiration");
  }
  out.months = static_cast<int>(n);
  KW_ASSIGN_OR_RETURN(out.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(out.enabled, OptionalStatus(body, locale));
  return out;
}

core::Result<PatchInput> ParsePatch(const json::object& body, core::Locale locale) {
  KW_RETURN_IF_ERROR(OnlyKnownFields(
      body, {"name", "role", "status", "description", "monthsToExpiration", "expiredDateTime"}));
  PatchInput out;
  KW_ASSIGN_OR_RETURN(out.name, OptionalString(body, "name"));
  KW_ASSIGN_OR_RETURN(out.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(out.role, OptionalString(body, "role"));
  KW_ASSIGN_OR_RETURN(out.enabled, OptionalStatus(body, locale));
  out.expiry_given = body.contains("monthsToExpiration") || body.contains("expiredDateTime");
  return out;
}

core::Result<json::array> ParseArrayBody(std::string_view body, std::size_t max_items,
                                         core::Locale locale) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kMalformedJson, core::Msg::kMalformedJson,
                           {ec.message()});
  }
  if (!v.is_array()) return Refusal(Render(Words::kBodyNotArray, locale));
  KW_RETURN_IF_ERROR(RefuseSecrets(v));
  if (std::optional<std::string> duplicate = FindDuplicateKey(body)) {
    return core::InvalidArgument(core::Msg::kDuplicateField, *duplicate, {*duplicate});
  }
  json::array& items = v.get_array();
  if (items.empty()) return Refusal(Render(Words::kArrayEmpty, locale));
  if (items.size() > max_items) {
    return Refusal(Render(Words::kArrayTooLong, locale, {std::to_string(max_items)}));
  }
  return std::move(items);
}

}  // namespace keyward::http::visionone
