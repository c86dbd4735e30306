#include "http/ds/administrator_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "core/locale.hpp"
#include "core/store/account.hpp"
#include "http/ds/fields.hpp"
#include "http/json_fields.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

// The members Keyward has no value of its own for: kept as given, with their JSON type.
constexpr std::array<std::string_view, 10> kKeptStrings{
    "fullName",     "emailAddress", "timeFormat",    "mfaType",       "phoneNumber",
    "mobileNumber", "pagerNumber",  "directoryName", "directoryInfo", "UTCOffset"};
constexpr std::array<std::string_view, 4> kKeptFlags{
    "passwordNeverExpires", "primaryContact", "receiveNotifications", "reportPDFPasswordEnabled"};

constexpr std::array<SearchField, 17> kSearchFields{{
    {"ID", FieldKind::kId},
    {"username", FieldKind::kString},
    {"fullName", FieldKind::kString},
    {"description", FieldKind::kString},
    {"emailAddress", FieldKind::kString},
    {"timeZone", FieldKind::kString},
    {"locale", FieldKind::kString},
    {"phoneNumber", FieldKind::kString},
    {"mobileNumber", FieldKind::kString},
    {"pagerNumber", FieldKind::kString},
    {"roleID", FieldKind::kNumeric},
    {"active", FieldKind::kBoolean},
    {"primaryContact", FieldKind::kBoolean},
    {"receiveNotifications", FieldKind::kBoolean},
    {"created", FieldKind::kDate},
    {"lastPasswordChange", FieldKind::kDate},
    {"unlockTime", FieldKind::kDate},
}};

// The kept members `body` gives (null: not given), type-checked.
core::Result<json::object> KeptMembers(const json::object& body) {
  json::object kept;
  for (std::string_view name : kKeptStrings) {
    KW_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, name));
    if (text) kept[name] = *text;
  }
  for (std::string_view name : kKeptFlags) {
    KW_ASSIGN_OR_RETURN(std::optional<bool> flag, OptionalBool(body, name));
    if (flag) kept[name] = *flag;
  }
  return kept;
}

// The members create and modify read alike; `kept` is merged into `base` when given.
core::Result<AdministratorInput> ReadBody(const json::object& body, json::object base) {
  AdministratorInput in;
  KW_ASSIGN_OR_RETURN(in.account.email, OptionalString(body, "username"));
  if (in.account.email) KW_RETURN_IF_ERROR(core::ValidateEmail(*in.account.email, "username"));
  KW_ASSIGN_OR_RETURN(std::optional<std::int64_t> role_id, OptionalInt(body, "roleID"));
  if (role_id) in.account.role = std::to_string(*role_id);
  KW_ASSIGN_OR_RETURN(in.account.description, OptionalString(body, "description"));
  KW_ASSIGN_OR_RETURN(in.account.locale, OptionalString(body, "locale"));
  KW_ASSIGN_OR_RETURN(in.account.time_zone, OptionalString(body, "timeZone"));
  KW_ASSIGN_OR_RETURN(in.active, OptionalBool(body, "active"));
  KW_ASSIGN_OR_RETURN(in.account.one_time_password, OptionalString(body, "password"));
  KW_ASSIGN_OR_RETURN(json::object kept, KeptMembers(body));
  if (!kept.empty()) {
    for (const auto& member : kept) base[member.key()] = member.value();
    in.account.attributes = json::serialize(base);
  }
  return in;
}

}  // namespace

json::object AdministratorJson(const core::AccountView& view, core::Time now) {
  const core::Account& account = view.account;
  const json::object stored = StoredAttributes(account.attributes);
  json::object out;
  out["ID"] = account.id;
  out["username"] = account.email;
  if (const json::value* full_name = stored.if_contains("fullName")) {
    out["fullName"] = *full_name;
  } else {
    // An account made natively: its given name and surname.
    std::string name = account.given_name;
    if (!name.empty() && !account.surname.empty()) name += ' ';
    name += account.surname;
    out["fullName"] = name;
  }
  out["description"] = account.description;
  out["roleID"] = account.role_id;
  out["locale"] = core::LocaleName(account.locale);
  out["timeZone"] = account.time_zone;
  out["active"] = account.enabled && !account.SignInLockedAt(now);
  out["created"] = EpochMillis(account.created_at);
  if (account.password_changed_at) {
    out["lastPasswordChange"] = EpochMillis(*account.password_changed_at);
  }
  if (account.SignInLockedAt(now)) out["unlockTime"] = EpochMillis(*account.sign_in_locked_until);
  for (std::string_view name : kKeptStrings) {
    if (name == "fullName") continue;
    if (const json::value* value = stored.if_contains(name)) out[name] = *value;
  }
  for (std::string_view name : kKeptFlags) {
    if (const json::value* value = stored.if_contains(name)) out[name] = *value;
  }
  out["external"] = false;
  out["type"] = "normal";
  out["readOnly"] = false;
  return out;
}

core::Result<AdministratorInput> ParseAdministratorCreate(const json::object& body) {
  if (body.if_contains("username") == nullptr || body.at("username").is_null()) {
    return Required("username");
  }
  KW_ASSIGN_OR_RETURN(AdministratorInput in, ReadBody(body, json::object()));
  if (!in.account.role) return Required("roleID");
  in.account.access_level = core::AccessLevelName(core::AccessLevel::kConsoleAndApi);
  return in;
}

core::Result<AdministratorInput> ParseAdministratorModify(const json::object& body,
                                                          const core::Account& stored) {
  return ReadBody(body, StoredAttributes(stored.attributes));
}

std::span<const SearchField> AdministratorSearchFields() { return kSearchFields; }

}  // namespace keyward::http::ds
