#include "http/ds/role_codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "http/ds/fields.hpp"
#include "http/json_fields.hpp"

namespace keyward::http::ds {
namespace {

namespace json = boost::json;

constexpr std::string_view kApikeyRights = "apikeyRights";
constexpr std::string_view kAdministratorRoleRights = "administratorRoleRights";

constexpr std::array<MappedRight, 8> kMappedRights{{
    {kApikeyRights, "canCreateNewApiKeys", core::perm::kApiKeysCreate},
    {kApikeyRights, "canDeleteApiKeys", core::perm::kApiKeysDelete},
    {kApikeyRights, "canEditApiKeyProperties", core::perm::kApiKeysEdit},
    {kApikeyRights, "canViewApiKeys", core::perm::kApiKeysView},
    {kAdministratorRoleRights, "canCreateNewAdministratorRoles", core::perm::kRolesCreate},
    {kAdministratorRoleRights, "canDeleteAdministratorRoles", core::perm::kRolesDelete},
    {kAdministratorRoleRights, "canEditAdministratorRoleProperties", core::perm::kRolesEdit},
    {kAdministratorRoleRights, "canViewAdministratorRoles", core::perm::kRolesView},
}};

// The boolean members kept as attributes, and their value when a role has none.
constexpr std::array<std::pair<std::string_view, bool>, 5> kKeptFlags{{
    {"canOnlyManipulateUsersWithEqualOrLesserRights", true},
    {"allComputers", true},
    {"allPolicies", true},
    {"allowUserInterface", true},
    {"allowWebService", true},
}};

// The id-array members kept as attributes ([] when a role has none).
constexpr std::array<std::string_view, 3> kKeptIdArrays{"computerIDs", "computerGroupIDs",
                                                        "policyIDs"};

constexpr std::array<SearchField, 10> kSearchFields{{
    {"ID", FieldKind::kId},
    {"name", FieldKind::kString},
    {"description", FieldKind::kString},
    {"urn", FieldKind::kString},
    {"immutable", FieldKind::kBoolean},
    {"allowUserInterface", FieldKind::kBoolean},
    {"allowWebService", FieldKind::kBoolean},
    {"allComputers", FieldKind::kBoolean},
    {"allPolicies", FieldKind::kBoolean},
    {"canOnlyManipulateUsersWithEqualOrLesserRights", FieldKind::kBoolean},
}};

// `value` without its null members, at every depth of objects (null means "not given").
json::value WithoutNulls(const json::value& value) {
  if (!value.is_object()) return value;
  json::object out;
  for (const auto& member : value.get_object()) {
    if (member.value().is_null()) continue;
    out.emplace(member.key(), WithoutNulls(member.value()));
  }
  return out;
}

// Merges `from` into `into`: objects member by member at every depth, any other value replaces.
void DeepMerge(json::object& into, const json::object& from) {
  for (const auto& member : from) {
    json::value* existing = into.if_contains(member.key());
    if (existing != nullptr && existing->is_object() && member.value().is_object()) {
      DeepMerge(existing->get_object(), member.value().get_object());
    } else {
      into[member.key()] = member.value();
    }
  }
}

// What a body gives beyond name and description.
struct RoleMembers {
  json::object kept;                                 // the members kept as attributes
  std::vector<std::pair<std::string, bool>> rights;  // a mapped right's permission, as given
};

// Reads `rights`: the mapped rights out (type-checked), the rest kept without nulls.
core::Status ReadRights(const json::value& value, RoleMembers& out) {
  if (!value.is_object()) return WrongType("rights", "an object");
  json::value rights = WithoutNulls(value);
  json::object& rights_object = rights.get_object();
  if (json::value* platform = rights_object.if_contains("platformRights")) {
    if (!platform->is_object()) return WrongType("rights.platformRights", "an object");
    json::object& groups = platform->get_object();
    for (std::string_view group_name : {kApikeyRights, kAdministratorRoleRights}) {
      json::value* group = groups.if_contains(group_name);
      if (group == nullptr) continue;
      const std::string path = "rights.platformRights." + std::string(group_name);
      if (!group->is_object()) return WrongType(path, "an object");
      for (const MappedRight& right : kMappedRights) {
        if (right.group != group_name) continue;
        const json::value* given = group->get_object().if_contains(right.name);
        if (given == nullptr) continue;
        if (!given->is_bool()) {
          return WrongType(path + "." + std::string(right.name), "true or false");
        }
        out.rights.emplace_back(std::string(right.permission), given->get_bool());
        group->get_object().erase(right.name);
      }
      if (group->get_object().empty()) groups.erase(group_name);
    }
    if (groups.empty()) rights_object.erase("platformRights");
  }
  // Rights that were all mapped (or null) leave nothing to keep.
  if (!rights_object.empty()) out.kept["rights"] = std::move(rights);
  return core::Ok();
}

core::Result<RoleMembers> ReadMembers(const json::object& body) {
  RoleMembers out;
  for (const auto& [name, fallback] : kKeptFlags) {
    KW_ASSIGN_OR_RETURN(std::optional<bool> flag, OptionalBool(body, name));
    if (flag) out.kept[name] = *flag;
  }
  for (std::string_view name : kKeptIdArrays) {
    const json::value* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) continue;
    if (!value->is_array()) return WrongType(std::string(name), "an array of integers");
    json::array ids;
    for (std::size_t i = 0; i < value->get_array().size(); ++i) {
      KW_ASSIGN_OR_RETURN(
          std::int64_t id,
          IntValue(value->get_array()[i], std::string(name) + "[" + std::to_string(i) + "]"));
      ids.emplace_back(id);
    }
    out.kept[name] = std::move(ids);
  }
  if (const json::value* rights = body.if_contains("rights"); rights && !rights->is_null()) {
    KW_RETURN_IF_ERROR(ReadRights(*rights, out));
  }
  return out;
}

core::Status ReadNameAndDescription(const json::object& body, core::RoleInput& input) {
  KW_ASSIGN_OR_RETURN(input.name, OptionalString(body, "name"));
  KW_ASSIGN_OR_RETURN(input.description, OptionalString(body, "description"));
  return core::Ok();
}

}  // namespace

std::span<const MappedRight> MappedRights() { return kMappedRights; }

std::string RoleUrn(core::RoleId id) { return "urn:keyward:role:" + std::to_string(id); }

json::object RoleJson(const core::Role& role) {
  const json::object stored = StoredAttributes(role.attributes);
  json::object out;
  out["ID"] = role.id;
  out["name"] = role.name;
  out["description"] = role.description;
  out["urn"] = RoleUrn(role.id);
  out["immutable"] = role.built_in;
  for (const auto& [name, fallback] : kKeptFlags) {
    const json::value* value = stored.if_contains(name);
    out[name] = value != nullptr ? *value : json::value(fallback);
  }
  json::object rights;
  if (const json::value* value = stored.if_contains("rights"); value && value->is_object()) {
    rights = value->get_object();
  }
  json::value& platform = rights["platformRights"];
  if (!platform.is_object()) platform = json::object();
  for (const MappedRight& right : kMappedRights) {
    json::value& group = platform.get_object()[right.group];
    if (!group.is_object()) group = json::object();
    group.get_object()[right.name] = role.permissions.Has(right.permission);
  }
  out["rights"] = std::move(rights);
  for (std::string_view name : kKeptIdArrays) {
    const json::value* value = stored.if_contains(name);
    out[name] = value != nullptr ? *value : json::value(json::array());
  }
  return out;
}

core::Result<core::RoleInput> ParseRoleCreate(const json::object& body) {
  core::RoleInput input;
  KW_RETURN_IF_ERROR(ReadNameAndDescription(body, input));
  KW_ASSIGN_OR_RETURN(RoleMembers members, ReadMembers(body));
  std::vector<std::string> permissions;
  for (const auto& [permission, granted] : members.rights) {
    if (granted) permissions.push_back(permission);
  }
  input.permissions = std::move(permissions);
  if (!members.kept.empty()) input.attributes = json::serialize(members.kept);
  return input;
}

core::Result<core::RoleInput> ParseRoleModify(const json::object& body, const core::Role& stored) {
  core::RoleInput input;
  KW_RETURN_IF_ERROR(ReadNameAndDescription(body, input));
  KW_ASSIGN_OR_RETURN(RoleMembers members, ReadMembers(body));
  // A built-in role's permissions are an open-ended scope and it cannot change: core refuses
  // every change to it, so only a custom role's list is recomputed.
  if (!members.rights.empty() && !stored.built_in) {
    std::vector<std::string> permissions = stored.permissions.names();
    for (const auto& [permission, granted] : members.rights) {
      auto found = std::find(permissions.begin(), permissions.end(), permission);
      if (granted && found == permissions.end()) permissions.push_back(permission);
      if (!granted && found != permissions.end()) permissions.erase(found);
    }
    if (core::PermissionSet::Of(permissions) != stored.permissions) {
      input.permissions = std::move(permissions);
    }
  }
  if (!members.kept.empty()) {
    json::object merged = StoredAttributes(stored.attributes);
    DeepMerge(merged, members.kept);
    input.attributes = json::serialize(merged);
  }
  return input;
}

std::span<const SearchField> RoleSearchFields() { return kSearchFields; }

FieldValue JsonFieldValue(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr) return std::monostate{};
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_bool()) return value->get_bool();
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  return std::monostate{};
}

json::array SearchAnswer(const Search& search, const std::vector<json::object>& objects) {
  const auto value_of = [](const json::object& object, std::string_view name) {
    return JsonFieldValue(object, name);
  };
  const auto id_of = [](const json::object& object) {
    const FieldValue id = JsonFieldValue(object, "ID");
    return std::holds_alternative<std::int64_t>(id) ? std::get<std::int64_t>(id) : 0;
  };
  json::array out;
  for (const json::object* object : ApplySearch(search, objects, value_of, id_of)) {
    out.emplace_back(*object);
  }
  return out;
}

}  // namespace keyward::http::ds
