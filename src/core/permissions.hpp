// Permissions and roles (docs/architecture.md "Role"): the catalogue, the three built-in roles,
// permission sets that may be open-ended (Master Administrator holds every permission, present and
// future), and the two escalation rules. Immutable values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"

namespace keyward::core {

inline constexpr RoleId kFullAccessRoleId = 1;
inline constexpr RoleId kAuditorRoleId = 2;
inline constexpr RoleId kMasterAdministratorRoleId = 3;
inline constexpr RoleId kFirstCustomRoleId = 100;

// Catalogue permission names.
namespace perm {
inline constexpr std::string_view kApiKeysView = "apikeys:view";
inline constexpr std::string_view kApiKeysCreate = "apikeys:create";
inline constexpr std::string_view kApiKeysEdit = "apikeys:edit";
inline constexpr std::string_view kApiKeysDelete = "apikeys:delete";
inline constexpr std::string_view kRolesView = "roles:view";
inline constexpr std::string_view kRolesCreate = "roles:create";
inline constexpr std::string_view kRolesEdit = "roles:edit";
inline constexpr std::string_view kRolesDelete = "roles:delete";
inline constexpr std::string_view kAccountsView = "accounts:view";
inline constexpr std::string_view kAccountsCreate = "accounts:create";
inline constexpr std::string_view kAccountsEdit = "accounts:edit";
inline constexpr std::string_view kAccountsDelete = "accounts:delete";
inline constexpr std::string_view kAccountsTokens = "accounts:tokens";
inline constexpr std::string_view kAuditView = "audit:view";
inline constexpr std::string_view kKeysVerify = "keys:verify";
}  // namespace perm

struct PermissionInfo {
  std::string_view name;
  std::string_view group;        // e.g. "API Keys", "Report Management"
  std::string_view description;  // e.g. "Third-party auditing (API only)"
};

// The catalogue in display order.
const std::vector<PermissionInfo>& PermissionCatalogue();
bool IsCataloguePermission(std::string_view name);

// `resource:action`: resource and action each 1-64 characters of lowercase ASCII letters, digits,
// '.', '_' and '-', starting with a letter; at most 128 characters in all.
bool IsValidPermissionName(std::string_view name);

// A set of permissions. Built-in roles use open-ended scopes; custom roles list theirs.
class PermissionSet {
 public:
  enum class Scope {
    kExplicit,      // exactly the listed names
    kAll,           // every permission, present and future (Master Administrator)
    kAllButTokens,  // every permission except accounts:tokens (Full Access)
    kViews,         // every permission whose action is "view" (Auditor)
  };

  PermissionSet() = default;
  static PermissionSet All() { return PermissionSet(Scope::kAll); }
  static PermissionSet AllButTokens() { return PermissionSet(Scope::kAllButTokens); }
  static PermissionSet Views() { return PermissionSet(Scope::kViews); }
  // Names are de-duplicated and sorted; validity is the caller's concern (ValidatePermissions).
  static PermissionSet Of(std::vector<std::string> names);

  Scope scope() const { return scope_; }
  const std::vector<std::string>& names() const { return names_; }  // kExplicit only

  bool Has(std::string_view name) const;
  // Whether every permission in `*this` is also in `other`.
  bool IsSubsetOf(const PermissionSet& other) const;
  // One permission of `*this` that `other` lacks (for messages); nullopt when a subset. For an
  // open-ended scope not covered by `other`, a catalogue permission `other` lacks, else "*".
  std::optional<std::string> FirstMissingFrom(const PermissionSet& other) const;
  // The permissions to show: the listed names, or the catalogue permissions in the scope.
  std::vector<std::string> Display() const;

  friend bool operator==(const PermissionSet&, const PermissionSet&) = default;

 private:
  explicit PermissionSet(Scope scope) : scope_(scope) {}
  Scope scope_ = Scope::kExplicit;
  std::vector<std::string> names_;
};

struct Role {
  RoleId id = 0;
  std::string name;
  std::string description;
  bool built_in = false;
  PermissionSet permissions;
  // What a dialect keeps of a role beyond Keyward's fields (the Deep Security dialect's rights
  // that map to no permission): a JSON object's text as the dialect wrote it, or empty. Core
  // stores and returns it and reads nothing in it. Built-in roles have none.
  std::string attributes = {};
};

// The longest Role::attributes and Account::attributes, in bytes.
inline constexpr std::size_t kMaxAttributesLength = 16 * 1024;

// Full Access (1), Auditor (2), Master Administrator (3), in id order.
const std::vector<Role>& BuiltInRoles();
bool IsBuiltInRole(RoleId id);

// Validates a requested permission list: each a catalogue name or a valid free-form name; errors
// name the field "permissions[i]".
Status ValidatePermissions(const std::vector<std::string>& names);

// Escalation rule 1: a caller cannot give out a permission it lacks. PermissionDenied naming the
// first permission of `granted` the caller lacks.
Status CheckCanGrant(const PermissionSet& caller, const PermissionSet& granted);

// Escalation rule 2: a caller may act on a target only if the target's permissions are a subset
// of its own. PermissionDenied naming `target_label` (e.g. "API key 42").
Status CheckCanActOn(const PermissionSet& caller, const PermissionSet& target,
                     std::string_view target_label);

// PermissionDenied (Msg::kPermissionRequired) unless `caller` holds `name`.
Status RequirePermission(const PermissionSet& caller, std::string_view name);

}  // namespace keyward::core
