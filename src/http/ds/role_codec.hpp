// The Deep Security dialect's Role object (docs/deep-security.md "Roles"): a core::Role rendered
// as the dialect writes it, and a Role body read into a core::RoleInput. Eight rights map to
// Keyward permissions and are always derived from the role's permissions; every other member
// (the other rights, allComputers, computerIDs, ...) is kept in Role::attributes as given and
// returned as given, with documented defaults when a role has none. Pure functions; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/permissions.hpp"
#include "core/result.hpp"
#include "core/roles/role_service.hpp"
#include "http/ds/search.hpp"

namespace keyward::http::ds {

// One right of rights.platformRights that maps to a Keyward permission.
struct MappedRight {
  std::string_view group;       // "apikeyRights" or "administratorRoleRights"
  std::string_view name;        // "canViewApiKeys"
  std::string_view permission;  // "apikeys:view"
};

// The eight mapped rights.
std::span<const MappedRight> MappedRights();

// "urn:keyward:role:<id>": a role's stable URN.
std::string RoleUrn(core::RoleId id);

// The Role object of `role`.
boost::json::object RoleJson(const core::Role& role);

// A create body: name (required by core), description, the permissions of the mapped rights
// given true, and every other Role member kept as attributes. kInvalidArgument naming the member
// ("rights.platformRights.apikeyRights.canViewApiKeys") for a wrongly typed one; unknown members
// and read-only ones (ID, urn, immutable) are ignored.
core::Result<core::RoleInput> ParseRoleCreate(const boost::json::object& body);

// A modify body as a partial merge into `stored`: name and description if given; a mapped right
// given true or false adds or removes its permission, every other permission is kept (the input
// holds permissions only when they change); the other members are merged into the stored
// attributes (the input holds attributes only when the body gives one), objects inside `rights`
// member by member at every depth.
core::Result<core::RoleInput> ParseRoleModify(const boost::json::object& body,
                                              const core::Role& stored);

// The fields POST /api/roles/search takes.
std::span<const SearchField> RoleSearchFields();

// The value of a top-level member of a rendered object (a Role or an Administrator) for the
// search: a string, an integer, a boolean, or null when absent or of another type.
FieldValue JsonFieldValue(const boost::json::object& object, std::string_view name);

// The answer of `search` over rendered objects with an integer "ID" (in list order), as an array.
boost::json::array SearchAnswer(const Search& search,
                                const std::vector<boost::json::object>& objects);

}  // namespace keyward::http::ds
